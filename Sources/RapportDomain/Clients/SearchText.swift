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
    /// international digits, so any way of writing it matches, also while it is being typed
    /// ("+7 916", "8 (916) 12"). Single letters are left out: as prefixes they match nearly
    /// everything and cost the most.
    public static func query(_ text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Bare digits: an INN, a national phone, or a phone with the trunk 8.
            return [trimmed.count == 11 && trimmed.hasPrefix("8") ? "7" + trimmed.dropFirst() : trimmed]
        }
        if let phone = Phone.normalize(trimmed) { return [String(phone.dropFirst())] }
        if let partial = partialPhone(trimmed) { return [partial] }
        return Array(words(text).filter { $0.count > 1 }.prefix(8))
    }

    /// The digits of a phone being typed in a phone's own writing — `+7 916`, `8 (916) 12`,
    /// `916-12` — with the trunk 8 as 7; nil for anything else.
    static func partialPhone(_ text: String) -> String? {
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || " +-()".contains($0)) }),
              !text.allSatisfy(\.isNumber)
        else { return nil }
        var digits = text.filter(\.isNumber)
        guard digits.count >= 3 else { return nil }
        if digits.hasPrefix("8"), text.drop(while: { $0 == " " }).dropFirst().first.map({ " (-".contains($0) }) ?? false {
            digits = "7" + digits.dropFirst()
        }
        return digits
    }
}
