/// Writes RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled;
/// rows end with CRLF. Excel opens it as UTF-8 when the file starts with a byte-order mark.
public struct CSVWriter: Sendable {
    public static let byteOrderMark = "\u{FEFF}"
    public private(set) var text = CSVWriter.byteOrderMark

    public init() {}

    /// Hands over the text written so far and forgets it (to write a big file in pieces).
    public mutating func takeText() -> String {
        defer { text = "" }
        return text
    }

    public mutating func row(_ fields: [String]) {
        text += fields.map(Self.escape).joined(separator: ",") + "\r\n"
    }

    /// One field as CSV. A value a spreadsheet would take for a formula (`=`, `+`, `-`, `@`)
    /// is prefixed with `'`, so an exported file cannot run anything when opened.
    public static func escape(_ field: String) -> String {
        var value = field
        if let first = value.first, "=+-@".contains(first), Double(value) == nil {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
