import Foundation

/// Reads CSV as spreadsheets write it (RFC 4180): quoted fields with doubled quotes and line
/// breaks inside, CRLF or LF rows, a UTF-8 byte-order mark. The delimiter (`,` `;` or tab —
/// Russian Excel writes `;`) is taken from the first row; text that is not UTF-8 is read as
/// Windows-1251, what Russian Excel saves.
public enum CSVReader {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func rows(_ data: Data) throws -> [[String]] {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(data: bytes, encoding: .utf8) ?? String(data: bytes, encoding: .windowsCP1251) else {
            throw Failure(description: "the file is neither UTF-8 nor Windows-1251 text")
        }
        if text.contains("\0") { throw Failure(description: "the file is not text (it holds NUL characters)") }
        return try parse(text, delimiter: delimiter(text))
    }

    /// The most frequent of `;` `,` and tab on the first line, outside quotes.
    static func delimiter(_ text: String) -> Character {
        var counts: [Character: Int] = [";": 0, ",": 0, "\t": 0]
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if !quoted && (character == "\n" || character == "\r") { break }
            if !quoted, counts[character] != nil { counts[character]! += 1 }
        }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }.map { $0.value > 0 ? $0.key : "," } ?? ","
    }

    static func parse(_ text: String, delimiter: Character) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false, afterQuote = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" { quoted = false; afterQuote = true } else { field.append(character) }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\""); quoted = true; afterQuote = false }  // a doubled quote
                else if field.isEmpty { quoted = true }
                else { field.append(character) }
            case delimiter:
                row.append(field); field = ""; afterQuote = false
            case "\r\n", "\n", "\r":
                row.append(field); field = ""; afterQuote = false
                rows.append(row); row = []
            default:
                field.append(character); afterQuote = false
            }
        }
        if quoted { throw Failure(description: "a quoted field is not closed") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        // Blank lines (a single empty field) are not rows.
        return rows.filter { !($0.count == 1 && $0[0].trimmingCharacters(in: .whitespaces).isEmpty) }
    }
}
