import Foundation
import RapportDomain

/// Dates and numbers in the viewer's locale and time zone (Russian `27.11.2026 14:05`,
/// English `Nov 27, 2026, 2:05 PM`).
enum Formatting {
    static func dateTime(_ date: Date?, locale: AppLocale, timeZone: String) -> String? {
        guard let date else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: locale == .ru ? "ru_RU" : "en_US")
        formatter.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        formatter.dateFormat = locale == .ru ? "dd.MM.yyyy HH:mm" : "MMM d, yyyy, h:mm a"
        return formatter.string(from: date)
    }

    static func hour(_ date: Date, timeZone: String) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return calendar.component(.hour, from: date)
    }
}
