import Foundation

/// The working hours of one day: intervals in minutes after local midnight (0…1440),
/// ascending and apart, such as 9:00–13:00 and 14:00–18:00.
public struct DayHours: Equatable, Hashable, Sendable, CustomStringConvertible {
    public private(set) var intervals: [Range<Int>]

    public static let off = DayHours(checked: [])

    /// Nil unless every interval is non-empty, inside the day, ascending and apart.
    public init?(_ intervals: [Range<Int>]) {
        var end = -1
        for interval in intervals {
            guard interval.lowerBound >= 0, interval.upperBound <= 1440, !interval.isEmpty, interval.lowerBound > end else {
                return nil
            }
            end = interval.upperBound
        }
        self.intervals = intervals
    }

    init(checked intervals: [Range<Int>]) { self.intervals = intervals }

    /// `9:00-13:00,14:00-18:00` (`24:00` is the end of the day).
    public init?(text: String) {
        var intervals: [Range<Int>] = []
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let from = Self.minute(ends[0]), let to = Self.minute(ends[1]), from < to else { return nil }
            intervals.append(from..<to)
        }
        guard !intervals.isEmpty else { return nil }
        self.init(intervals)
    }

    static func minute(_ text: Substring) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    public var minutes: Int { intervals.reduce(0) { $0 + $1.count } }
    public var isWorking: Bool { !intervals.isEmpty }

    /// The same hours ending `cut` minutes earlier, as a day before a holiday is in Russia.
    public func shortened(by cut: Int) -> DayHours {
        var left = max(0, minutes - cut)
        var out: [Range<Int>] = []
        for interval in intervals where left > 0 {
            let take = min(left, interval.count)
            out.append(interval.lowerBound..<(interval.lowerBound + take))
            left -= take
        }
        return DayHours(checked: out)
    }

    public var description: String {
        func clock(_ minute: Int) -> String {
            let hour = String(minute / 60), rest = String(minute % 60)
            return hour + ":" + (rest.count == 1 ? "0" + rest : rest)
        }
        return intervals.map { clock($0.lowerBound) + "-" + clock($0.upperBound) }.joined(separator: ",")
    }
}

/// What differs on one date from the usual week.
public enum DayRule: Equatable, Hashable, Sendable {
    /// A holiday or a day off: no working time.
    case dayOff
    /// The usual hours, `minutes` shorter at the end (a day before a holiday).
    case shortened(minutes: Int)
    /// Worked with these hours (a weekend day made working when holidays are moved).
    case workday(DayHours)
}

/// The usual working week: the hours of each weekday, Monday first.
public struct WorkWeek: Equatable, Hashable, Sendable {
    /// Seven entries, Monday (ISO weekday 1) to Sunday (7).
    public private(set) var days: [DayHours]

    /// Nil unless there are seven days and some of them have working time.
    public init?(_ days: [DayHours]) {
        guard days.count == 7, days.contains(where: \.isWorking) else { return nil }
        self.days = days
    }

    /// Monday to Friday, 9:00–13:00 and 14:00–18:00: the usual Russian office week.
    public static let standard = WorkWeek([DayHours](repeating: DayHours(checked: [540..<780, 840..<1080]), count: 5)
        + [.off, .off])!

    public func hours(weekday: Int) -> DayHours { days[(weekday - 1) % 7] }

    /// The week as stored: the seven days' hours, Monday first, separated by `|` (an empty day is off).
    public var text: String { days.map { $0.isWorking ? $0.description : "" }.joined(separator: "|") }

    public init?(text: String) {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 7 else { return nil }
        var days: [DayHours] = []
        for part in parts {
            if part.trimmingCharacters(in: .whitespaces).isEmpty { days.append(.off); continue }
            guard let hours = DayHours(text: part) else { return nil }
            days.append(hours)
        }
        self.init(days)
    }
}
