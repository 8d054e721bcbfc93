import Foundation

/// ISO 8601 with milliseconds, in UTC.
public enum ISO8601 {
    /// `2026-11-29T12:34:56.789Z`, written by hand: Foundation's formatters cost more than
    /// the rest of a small answer.
    public static func string(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())  // as stored (Date.millis)
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let fraction = Int(millis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func put(_ value: Int, _ width: Int) {
            var digits = [UInt8](repeating: UInt8(ascii: "0"), count: width)
            var rest = value
            for index in stride(from: width - 1, through: 0, by: -1) {
                digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: digits)
        }
        put(Int(parts.tm_year) + 1900, 4); bytes.append(UInt8(ascii: "-"))
        put(Int(parts.tm_mon) + 1, 2); bytes.append(UInt8(ascii: "-"))
        put(Int(parts.tm_mday), 2); bytes.append(UInt8(ascii: "T"))
        put(Int(parts.tm_hour), 2); bytes.append(UInt8(ascii: ":"))
        put(Int(parts.tm_min), 2); bytes.append(UInt8(ascii: ":"))
        put(Int(parts.tm_sec), 2); bytes.append(UInt8(ascii: "."))
        put(fraction, 3); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// With or without fractional seconds; nil when the text is neither (a caller names the field).
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }
}
