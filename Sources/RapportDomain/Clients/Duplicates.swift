/// Why a record looks like one that already exists.
public enum DuplicateReason: String, CaseIterable, Codable, Sendable {
    case taxID = "tax_id", phone, email, name
    /// A name within a typo or so of the new one (`Trigrams.alike`).
    case similarName = "similar_name"
}

/// A record that may be the same client as the one being saved.
public struct DuplicateCandidate: Equatable, Sendable {
    public var entity: String
    public var id: Int64
    public var name: String
    public var reasons: [DuplicateReason]

    public init(entity: String, id: Int64, name: String, reasons: [DuplicateReason]) {
        self.entity = entity; self.id = id; self.name = name; self.reasons = reasons
    }
}

/// Names as duplicate control compares them: case, quotes, punctuation and legal forms
/// (ООО, ИП, LLC, …) do not make two names different.
public enum NameMatch {
    static let legalForms: Set<String> = [
        "ооо", "оао", "зао", "пао", "ао", "нко", "ип", "чп", "тоо", "ooo", "llc", "ltd", "inc", "gmbh", "co", "corp",
    ]

    /// The comparable form of a name, or nil when nothing distinctive is left.
    public static func key(_ name: String) -> String? {
        let cleaned = name.lowercased().replacingOccurrences(of: "ё", with: "е")
            .map { $0.isLetter || $0.isNumber ? $0 : " " }
        let words = String(cleaned).split(separator: " ").map(String.init).filter { !legalForms.contains($0) }
        let key = words.joined(separator: " ")
        return key.count >= 2 ? key : nil
    }
}
