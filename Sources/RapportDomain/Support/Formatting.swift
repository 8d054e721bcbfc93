import Foundation

/// Dates and numbers in the reader's locale and time zone (Russian `27.11.2026 14:05`,
/// English `Nov 27, 2026, 2:05 PM`): for the pages, and for messages and documents, which
/// are written in their recipient's language.
public enum Formatting {
    /// Written by hand: a `DateFormatter` per call cost more than the rest of a list page.
    public static func dateTime(_ date: Date?, locale: AppLocale, timeZone: String) -> String? {
        guard let date else { return nil }
        let t = local(date, timeZone)
        if locale == .ru {
            return String(format: "%02d.%02d.%04d %02d:%02d", t.day, t.month, t.year, t.hour, t.minute)
        }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12
        return "\(months[t.month - 1]) \(t.day), \(t.year), \(hour12):" + String(format: "%02d", t.minute)
            + (t.hour < 12 ? " AM" : " PM")
    }

    /// `HH:mm` in `timeZone`.
    public static func clock(_ date: Date, timeZone: String) -> String {
        let t = local(date, timeZone)
        return String(format: "%02d:%02d", t.hour, t.minute)
    }

    /// Zones by name, made once each (making one reads the zone database).
    nonisolated(unsafe) private static var zones: [String: TimeZone] = [:]
    private static let zonesLock = NSLock()

    public static func zone(_ name: String) -> TimeZone {
        if let hit = zonesLock.withLock({ zones[name] }) { return hit }
        let zone = TimeZone(identifier: name) ?? .gmt
        zonesLock.withLock { zones[name] = zone }
        return zone
    }

    /// The calendar fields of `date` in `timeZone`, from its UTC offset at that instant.
    public static func local(_ date: Date, _ timeZone: String) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + zone(timeZone).secondsFromGMT(for: date)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min))
    }

    public static func hour(_ date: Date, timeZone: String) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return calendar.component(.hour, from: date)
    }

    /// A day: `01.03.2026` in Russian, `Mar 1, 2026` in English.
    public static func date(_ day: CalendarDate, locale: AppLocale) -> String {
        if locale == .ru { return String(format: "%02d.%02d.%04d", day.day, day.month, day.year) }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(months[day.month - 1]) \(day.day), \(day.year)"
    }

    /// Digits grouped by thousands: `1 234 567,5` (Russian, narrow spaces) or `1,234,567.5`.
    public static func number(_ text: String, locale: AppLocale) -> String {
        var digits = text
        let negative = digits.hasPrefix("-")
        if negative { digits.removeFirst() }
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var grouped = ""
        for (index, character) in parts[0].reversed().enumerated() {
            if index > 0 && index % 3 == 0 { grouped.append(locale == .ru ? "\u{202F}" : ",") }
            grouped.append(character)
        }
        var result = (negative ? "-" : "") + String(grouped.reversed())
        if parts.count == 2 { result += (locale == .ru ? "," : ".") + parts[1] }
        return result
    }

    /// An amount in minor units with its currency: `1 500,50 ₽`, `₽1,500.50`.
    public static func money(_ minor: Int64, currency: String?, locale: AppLocale) -> String {
        let amount = number(MinorUnits.text(minor, digits: MinorUnits.digits(currency)), locale: locale)
        let symbols = ["RUB": "₽", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "KZT": "₸", "AZN": "₼", "UAH": "₴"]
        let symbol = symbols[currency ?? ""] ?? currency ?? ""
        return locale == .ru ? "\(amount) \(symbol)" : (symbols[currency ?? ""] != nil ? "\(symbol)\(amount)" : "\(symbol) \(amount)")
    }

    /// The `datetime-local` input value of an instant in `timeZone`: `2026-03-01T10:00`.
    public static func localInput(_ date: Date, timeZone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// The instant a `datetime-local` value (`2026-03-01T10:00`) names in `timeZone`.
    public static func parseLocalInput(_ text: String, timeZone: String) -> Date? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let day = CalendarDate(String(parts[0])) else { return nil }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard clock.count >= 2, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: clock[0],
                                                  minute: clock[1]))
    }
}
