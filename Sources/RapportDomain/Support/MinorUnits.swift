/// Exact money amounts as integers of the currency's smallest unit (kopecks, cents), read
/// from and written as decimal text: `1 234,50`, `1234.5` and `-10` are all accepted.
public enum MinorUnits {
    /// Digits after the decimal point: 0 for the yen and the won, 2 otherwise.
    public static func digits(_ currency: String?) -> Int {
        ["JPY", "KRW"].contains(currency ?? "") ? 0 : 2
    }

    /// The amount in minor units, or nil when the text is not an amount with at most `digits`
    /// decimals (or is beyond ±10^15 major units).
    public static func parse(_ raw: String, digits: Int = 2) -> Int64? {
        var text = decimal(raw)
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() } else if text.hasPrefix("+") { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 15,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= digits, parts.count == 1 || !fraction.isEmpty else { return nil }
        let padded = fraction + String(repeating: "0", count: digits - fraction.count)
        guard let major = Int64(parts[0]), let minor = Int64(padded.isEmpty ? "0" : padded) else { return nil }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let value = major * scale + minor
        return negative ? -value : value
    }

    /// A number as people type it, with `.` as the decimal point and no grouping:
    /// `1 234,5` (Russian), `1,234.5` (English), `1'234.5` and `12,5` all become `1234.5`/`12.5`.
    /// One comma alone is a decimal comma; several are thousands separators.
    public static func decimal(_ raw: String) -> String {
        var text = raw.filter { !$0.isWhitespace && $0 != "'" }
        let commas = text.filter { $0 == "," }.count
        if text.contains(".") || commas > 1 {
            text.removeAll { $0 == "," }
        } else {
            text = text.replacingOccurrences(of: ",", with: ".")
        }
        return text
    }

    /// `123450` → `1234.50` (no grouping; pages format for the reader's locale).
    public static func text(_ minor: Int64, digits: Int = 2) -> String {
        guard digits > 0 else { return String(minor) }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let magnitude = minor.magnitude
        let major = magnitude / UInt64(scale), rest = magnitude % UInt64(scale)
        let fraction = String(rest)
        return (minor < 0 ? "-" : "") + "\(major)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
