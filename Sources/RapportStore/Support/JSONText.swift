import Foundation
import RapportDomain

/// Small JSON columns (role permissions, event changes, string lists) are stored as text in
/// both dialects; nothing queries inside them.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain Codable values of our own cannot fail.
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    /// An event's changes, written by hand: every change writes one, and Foundation's encoder
    /// costs more than the insert itself. Keys sorted and absent values left out, as `encode` would.
    public static func encode(_ changes: [FieldChange]) -> String {
        var out = "["
        for (index, change) in changes.enumerated() {
            if index > 0 { out += "," }
            out += "{\"field\":"
            quote(change.field, into: &out)
            if let new = change.new { out += ",\"new\":"; quote(new, into: &out) }
            if let old = change.old { out += ",\"old\":"; quote(old, into: &out) }
            out += "}"
        }
        return out + "]"
    }

    /// Appends `text` as a JSON string.
    static func quote(_ text: String, into out: inout String) {
        out += "\""
        escape(text, into: &out)
        out += "\""
    }

    /// `text` as the inside of a JSON string (without its quotes): for a value written into a
    /// JSON template between quotes the template has.
    public static func escaped(_ text: String) -> String {
        var out = ""
        escape(text, into: &out)
        return out
    }

    static func escape(_ text: String, into out: inout String) {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// A string list column; the common empty list costs no decoder.
    static func strings(_ text: String) throws -> [String] {
        text == "[]" ? [] : try decode([String].self, text)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
