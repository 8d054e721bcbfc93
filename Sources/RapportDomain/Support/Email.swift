/// E-mail addresses as Rapport matches them: trimmed and lower-cased.
public enum Email {
    /// Returns the normalised address, or nil when it is not a plausible address
    /// (one `@`, a non-empty local part, a dotted domain, no spaces, at most 254 characters).
    public static func normalize(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard value.count <= 254, !value.contains(where: { $0.isWhitespace }) else { return nil }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return nil }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else {
            return nil
        }
        return value
    }
}

import Foundation
