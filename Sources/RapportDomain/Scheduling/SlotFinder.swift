import Foundation

/// Free times for a field visit (P7): for each technician, starts on the half hour within
/// their working hours such that the visit's length in working time (travel included) ends
/// the same working day and overlaps none of their visits.
public enum SlotFinder {
    public struct Technician: Sendable {
        public var id: Int64
        public var calendar: BusinessCalendar
        /// Their booked visits (any order).
        public var busy: [DateInterval]

        public init(id: Int64, calendar: BusinessCalendar, busy: [DateInterval]) {
            self.id = id
            self.calendar = calendar
            self.busy = busy
        }
    }

    public struct Slot: Equatable, Sendable {
        public var technicianID: Int64
        public var start: Date
        public var end: Date

        public init(technicianID: Int64, start: Date, end: Date) {
            self.technicianID = technicianID
            self.start = start
            self.end = end
        }
    }

    /// Free slots of `minutes` working minutes starting in `[from, to)`, earliest first (then by
    /// technician), at most `limit`.
    public static func slots(for technicians: [Technician], minutes: Int, from: Date, to: Date, step: TimeInterval = 1800,
                             limit: Int = 500) -> [Slot] {
        guard minutes > 0, to > from else { return [] }
        let length = TimeInterval(minutes * 60)
        var found: [Slot] = []
        // Technicians with the same hours share their days' working intervals (read once).
        var daysOf: [BusinessCalendar: [[DateInterval]]] = [:]
        for technician in technicians {
            let calendar = technician.calendar
            let busy = technician.busy.sorted { $0.start < $1.start }
            let days = daysOf[calendar] ?? {
                var day = calendar.day(of: from)
                let lastDay = calendar.day(of: to)
                var all: [[DateInterval]] = []
                while day <= lastDay {
                    all.append(calendar.intervals(on: day))
                    day = day.adding(days: 1)
                }
                daysOf[calendar] = all
                return all
            }()
            for intervals in days {
                for (index, interval) in intervals.enumerated() {
                    // Starts on the step's grid (whole or half hours from midnight UTC offsets alike).
                    var start = Date(timeIntervalSince1970: (interval.start.timeIntervalSince1970 / step).rounded(.up) * step)
                    while start < interval.end {
                        defer { start = start.addingTimeInterval(step) }
                        guard start >= from, start < to else { continue }
                        // The visit's working time from `start`, within this day only.
                        guard let end = Self.end(of: length, from: start, in: intervals, at: index) else { break }
                        if !busy.contains(where: { $0.start < end && start < $0.end }) {
                            found.append(Slot(technicianID: technician.id, start: start, end: end))
                        }
                    }
                }
            }
        }
        found.sort { ($0.start, $0.technicianID) < ($1.start, $1.technicianID) }
        return Array(found.prefix(limit))
    }

    /// When `length` of working time from `start` (inside `intervals[index]`) ends, counting
    /// only the day's own intervals; nil when the day closes first. Ends exactly at a closing
    /// time end there, as `BusinessCalendar.adding` does.
    static func end(of length: TimeInterval, from start: Date, in intervals: [DateInterval], at index: Int) -> Date? {
        var remaining = length
        var from = start
        for interval in intervals[index...] {
            let begin = max(interval.start, from)
            let available = interval.end.timeIntervalSince(begin)
            if remaining <= available { return begin.addingTimeInterval(remaining) }
            remaining -= available
            from = interval.end
        }
        return nil
    }
}
