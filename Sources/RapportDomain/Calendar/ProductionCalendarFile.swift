import Foundation

/// The production calendar as an administrator keeps it: a text file, one date or range of
/// dates per line, with what is different about it. Russian words work as well as English:
///
///     # Russia, 2026
///     2026-01-01..2026-01-08  holiday        # New Year holidays
///     2026-02-23              holiday
///     2026-03-07              short 60       # the day before a holiday: an hour shorter
///     2026-11-01              workday 9:00-13:00,14:00-18:00   # a Saturday worked
///
/// `holiday` (`выходной`, `праздник`), `short [minutes]` (`сокращённый`; 60 when not given),
/// `workday [hours]` (`рабочий`; Monday's hours when not given). Comments start with `#`.
public enum ProductionCalendarFile {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// The longest range one line may cover; longer is a typo in a year.
    public static let maxRangeDays = 31

    public static func parse(_ text: String, week: WorkWeek = .standard) throws -> [CalendarDate: DayRule] {
        var rules: [CalendarDate: DayRule] = [:]
        var lineOf: [CalendarDate: Int] = [:]
        // `\r\n` is one Character in Swift: split on any line break, not on "\n".
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let first = words.first else { continue }
            func fail(_ message: String) -> Failure { Failure(line: number, message: message) }
            let ends = first.components(separatedBy: "..")
            guard ends.count <= 2, let from = CalendarDate(ends[0]), let to = CalendarDate(ends.count == 2 ? ends[1] : ends[0])
            else { throw fail("\(first) is not a date written YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD") }
            guard from <= to else { throw fail("the range \(first) ends before it starts") }
            guard to.daysSinceEpoch - from.daysSinceEpoch < maxRangeDays else {
                throw fail("the range \(first) is longer than \(maxRangeDays) days")
            }
            guard words.count >= 2 else { throw fail("say what \(first) is: holiday, short or workday") }
            let rule: DayRule
            switch words[1].lowercased().replacingOccurrences(of: "ё", with: "е") {
            case "holiday", "dayoff", "off", "выходной", "праздник":
                guard words.count == 2 else { throw fail("holiday takes nothing after it") }
                rule = .dayOff
            case "short", "shortened", "сокращенный":
                let minutes = words.count > 2 ? Int(words[2]) : 60
                guard let minutes, (1...720).contains(minutes), words.count <= 3 else {
                    throw fail("short takes the minutes to cut, 1 to 720")
                }
                rule = .shortened(minutes: minutes)
            case "workday", "working", "рабочий":
                let hours = words.count > 2 ? DayHours(text: words[2...].joined()) : week.hours(weekday: 1)
                guard let hours, hours.isWorking else { throw fail("workday takes hours written 9:00-13:00,14:00-18:00") }
                rule = .workday(hours)
            default:
                throw fail("\(words[1]) is not holiday, short or workday")
            }
            var day = from
            while day <= to {
                if let earlier = lineOf[day] {
                    throw fail("\(day) is already given on line \(earlier)")
                }
                rules[day] = rule
                lineOf[day] = number
                day = day.adding(days: 1)
            }
        }
        return rules
    }

    /// The rules written back in the file's form, one line per date (ranges are not rebuilt).
    public static func text(_ rules: [CalendarDate: DayRule]) -> String {
        rules.sorted { $0.key < $1.key }.map { day, rule in
            switch rule {
            case .dayOff: "\(day) holiday"
            case .shortened(let minutes): "\(day) short \(minutes)"
            case .workday(let hours): "\(day) workday \(hours)"
            }
        }.joined(separator: "\n") + "\n"
    }
}
