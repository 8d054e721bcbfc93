import Foundation

/// Small JSON columns (role permissions, event changes, string lists) are stored as text in
/// both dialects; nothing queries inside them.
public enum JSONText {
    public static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain Codable values of our own cannot fail.
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    /// A string list column; the common empty list costs no decoder.
    static func strings(_ text: String) throws -> [String] {
        text == "[]" ? [] : try decode([String].self, text)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
