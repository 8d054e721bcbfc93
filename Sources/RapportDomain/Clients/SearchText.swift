import Foundation

/// The words full-text search stores and looks for, made the same way on both databases:
/// lower-case letters and digits only, so neither FTS5 nor PostgreSQL's parser sees syntax.
public enum SearchText {
    /// The words of `text` (split at anything that is not a letter or digit; ё as е).
    public static func words(_ text: String) -> [String] {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// The searchable body of a record: its words, plus every phone as international and
    /// national digits, so "+7 916 …", "8 (916) …" and "916…" all find it.
    public static func body(_ parts: [String?], phones: [String]) -> String {
        var words = parts.compactMap { $0 }.flatMap(Self.words)
        for phone in phones {
            let digits = phone.filter(\.isNumber)
            words.append(digits)
            if digits.count > 10 { words.append(String(digits.suffix(10))) }
        }
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }.joined(separator: " ")
    }

    /// The words to look for in what a person typed (at most 8): a typed phone becomes its
    /// international digits, so any way of writing it matches.
    public static func query(_ text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Bare digits: an INN, a national phone, or a phone with the trunk 8.
            return [trimmed.count == 11 && trimmed.hasPrefix("8") ? "7" + trimmed.dropFirst() : trimmed]
        }
        if let phone = Phone.normalize(trimmed) { return [String(phone.dropFirst())] }
        return Array(words(text).prefix(8))
    }
}
