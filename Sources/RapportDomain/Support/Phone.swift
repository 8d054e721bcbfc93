/// Telephone numbers normalised to E.164 beside the raw input.
public enum Phone {
    /// Normalises what a person typed (`8 (916) 123-45-67`, `+7 916 1234567`, `00 49 30 1234`)
    /// to E.164 (`+79161234567`). A leading Russian trunk `8` on an 11-digit number becomes `+7`;
    /// a bare 10-digit number is taken as Russian (`defaultCountryCode`). Returns nil when the
    /// result is not 8–15 digits.
    public static func normalize(_ raw: String, defaultCountryCode: String = "7") -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        var digits = trimmed.filter { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let allowed = Set("0123456789+-() ./")
        guard trimmed.allSatisfy({ allowed.contains($0) }) else { return nil }
        if trimmed.hasPrefix("+") {
            // already international
        } else if digits.hasPrefix("00") {
            digits.removeFirst(2)
        } else if digits.count == 11 && digits.hasPrefix("8") && defaultCountryCode == "7" {
            digits = "7" + digits.dropFirst()
        } else if digits.count == 10 {
            digits = defaultCountryCode + digits
        }
        guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
        return "+" + digits
    }
}

import Foundation
