import Foundation

/// Working time in a time zone: the usual week, and the dates that differ from it (holidays,
/// shortened days, weekend days made working). It answers "is this working time", "N working
/// hours or days after T" and "how much working time lies between A and B"; every deadline
/// in working time is computed here. Hours are local wall-clock times, so a working day on the
/// day clocks change still runs 9:00–18:00 by the clock (and is an hour shorter or longer).
public struct BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    public let week: WorkWeek
    public let exceptions: [CalendarDate: DayRule]
    let calendar: Calendar

    /// How far ahead a search for working time looks before giving up (holidays never run this long).
    static let horizonDays = 3 * 366

    public init(timeZone: TimeZone, week: WorkWeek = .standard, exceptions: [CalendarDate: DayRule] = [:]) {
        self.timeZone = timeZone
        self.week = week
        self.exceptions = exceptions
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    // MARK: days

    /// The working hours of a date, exceptions applied.
    public func hours(on day: CalendarDate) -> DayHours {
        switch exceptions[day] {
        case .dayOff?: .off
        case .shortened(let minutes)?: week.hours(weekday: day.weekday).shortened(by: minutes)
        case .workday(let hours)?: hours
        case nil: week.hours(weekday: day.weekday)
        }
    }

    public func isWorkingDay(_ day: CalendarDate) -> Bool { hours(on: day).isWorking }

    /// The date `t` falls on in this calendar's zone.
    public func day(of t: Date) -> CalendarDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: t)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)
            ?? CalendarDate(daysSinceEpoch: Int((t.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The instant of a local wall-clock minute of a date (a minute that the clock skips
    /// when it moves forward counts as the moment after the jump).
    public func instant(_ day: CalendarDate, minute: Int) -> Date {
        if minute >= 1440 { return instant(day.adding(days: minute / 1440), minute: minute % 1440) }
        let parts = DateComponents(year: day.year, month: day.month, day: day.day, hour: minute / 60, minute: minute % 60)
        return calendar.date(from: parts) ?? Date(timeIntervalSince1970: Double(day.daysSinceEpoch * 86_400 + minute * 60))
    }

    /// A date's working intervals as instants.
    public func intervals(on day: CalendarDate) -> [DateInterval] {
        hours(on: day).intervals.compactMap { range in
            let start = instant(day, minute: range.lowerBound), end = instant(day, minute: range.upperBound)
            return end > start ? DateInterval(start: start, end: end) : nil
        }
    }

    // MARK: questions

    public func isWorkingTime(_ t: Date) -> Bool {
        intervals(on: day(of: t)).contains { $0.start <= t && t < $0.end }
    }

    /// `t` itself when it is working time, else the start of the next working interval.
    public func nextWorkingMoment(atOrAfter t: Date) -> Date {
        adding(seconds: 0, to: t)
    }

    /// The moment `seconds` of working time after `t`. Time outside working hours does not
    /// count; an amount that ends exactly at a closing time ends there, not the next morning.
    public func adding(seconds: TimeInterval, to t: Date) -> Date {
        precondition(seconds >= 0, "working time is added, not taken away")
        var remaining = seconds
        var day = day(of: t)
        for _ in 0..<Self.horizonDays {
            for interval in intervals(on: day) where interval.end > t {
                let start = max(interval.start, t)
                let available = interval.end.timeIntervalSince(start)
                if remaining <= available { return start.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = day.adding(days: 1)
        }
        return instant(day, minute: 0)
    }

    public func adding(hours: Double, to t: Date) -> Date { adding(seconds: hours * 3600, to: t) }

    /// The same local time on the `days`-th working day after the one `t` falls on (after the
    /// next working moment when `t` is outside working time), kept inside that day's hours:
    /// Friday 15:00 plus one working day is Monday 15:00; plus zero days is `t` itself when
    /// it is working time.
    public func adding(workingDays days: Int, to t: Date) -> Date {
        precondition(days >= 0, "working days are added, not taken away")
        let start = nextWorkingMoment(atOrAfter: t)
        if days == 0 { return start }
        let startDay = day(of: start)
        let secondOfDay = secondsSinceMidnight(start)
        var day = startDay
        var left = days
        for _ in 0..<Self.horizonDays where left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        let intervals = intervals(on: day)
        let minute = Int(secondOfDay / 60)
        let wanted = instant(day, minute: minute).addingTimeInterval(secondOfDay - Double(minute * 60))
        // Inside the hours: as it is; before or between intervals: the next opening; after: the closing.
        if let within = intervals.first(where: { $0.end >= wanted }) { return max(within.start, wanted) }
        return intervals.last?.end ?? wanted
    }

    /// The working time between two moments (negative when `b` is before `a`).
    public func workingSeconds(from a: Date, to b: Date) -> TimeInterval {
        if b < a { return -workingSeconds(from: b, to: a) }
        var total: TimeInterval = 0
        var day = day(of: a)
        let last = self.day(of: b)
        while day <= last {
            for interval in intervals(on: day) {
                let start = max(interval.start, a), end = min(interval.end, b)
                if end > start { total += end.timeIntervalSince(start) }
            }
            day = day.adding(days: 1)
        }
        return total
    }

    func secondsSinceMidnight(_ t: Date) -> TimeInterval {
        let parts = calendar.dateComponents([.hour, .minute, .second, .nanosecond], from: t)
        return Double(parts.hour! * 3600 + parts.minute! * 60 + parts.second!) + Double(parts.nanosecond!) / 1e9
    }
}

/// Two calendars are the same when they keep the same hours in the same zone with the same
/// exceptions (people with the company's hours share one).
extension BusinessCalendar: Hashable {
    public static func == (a: BusinessCalendar, b: BusinessCalendar) -> Bool {
        a.timeZone.identifier == b.timeZone.identifier && a.week == b.week && a.exceptions == b.exceptions
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(timeZone.identifier)
        hasher.combine(week)
        hasher.combine(exceptions.count)
    }
}
