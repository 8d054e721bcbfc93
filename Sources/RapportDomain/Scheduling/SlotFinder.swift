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
        var found: [Slot] = []
        for technician in technicians {
            let calendar = technician.calendar
            let busy = technician.busy.sorted { $0.start < $1.start }
            var day = calendar.day(of: from)
            let lastDay = calendar.day(of: to)
            while day <= lastDay {
                let intervals = calendar.intervals(on: day)
                if let close = intervals.last?.end {
                    for interval in intervals {
                        // Starts on the step's grid (whole or half hours from midnight UTC offsets alike).
                        var start = Date(timeIntervalSince1970: (interval.start.timeIntervalSince1970 / step).rounded(.up) * step)
                        while start < interval.end {
                            defer { start = start.addingTimeInterval(step) }
                            guard start >= from, start < to else { continue }
                            let end = calendar.adding(seconds: TimeInterval(minutes * 60), to: start)
                            guard end <= close else { break }
                            if !busy.contains(where: { $0.start < end && start < $0.end }) {
                                found.append(Slot(technicianID: technician.id, start: start, end: end))
                            }
                        }
                    }
                }
                day = day.adding(days: 1)
            }
        }
        found.sort { ($0.start, $0.technicianID) < ($1.start, $1.technicianID) }
        return Array(found.prefix(limit))
    }
}
