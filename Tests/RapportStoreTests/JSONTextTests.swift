import Foundation
import RapportDomain
@testable import RapportStore
import Testing

/// The hand-written JSON of event changes reads back as what was written, whatever the text.
@Suite struct JSONTextTests {
    @Test func event_changes_read_back_exactly() throws {
        let texts = ["", "plain", "Кухня «Прованс»", "quote \" and \\ backslash", "line\nbreak\r\ttab", "bell \u{07} nul \u{0}",
                     "slash / and </script>", "emoji 👩‍🍳", "e\u{301}", "\u{1F}\u{7F}"]
        var changes: [FieldChange] = []
        for (index, text) in texts.enumerated() {
            changes.append(FieldChange(field: text, old: index % 3 == 0 ? nil : text, new: index % 2 == 0 ? text : nil))
        }
        let written = JSONText.encode(changes)
        #expect(try JSONDecoder().decode([FieldChange].self, from: Data(written.utf8)) == changes)
        #expect(JSONText.encode([FieldChange]()) == "[]")
        // The same text Foundation's encoder gives for what both write alike.
        let simple = [FieldChange(field: "stage", old: "Новый", new: "Замер"), FieldChange(field: "amount", old: nil, new: "10")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(JSONText.encode(simple) == String(decoding: try encoder.encode(simple), as: UTF8.self))
    }

    /// A value written between a JSON template's own quotes (an SMS gateway's body) reads back whole.
    @Test func an_escaped_value_fills_a_json_template() throws {
        let text = "Замер 20.11 в 10:00 \"Кухни\"\\ok\n\u{1}"
        let body = "{\"text\": \"" + JSONText.escaped(text) + "\"}"
        let decoded = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String]
        #expect(decoded?["text"] == text)
    }
}
