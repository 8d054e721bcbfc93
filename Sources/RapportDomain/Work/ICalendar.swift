import Foundation

/// An iCalendar (RFC 5545) document of events: CRLF line ends, lines folded at 75 octets
/// (never inside a UTF-8 character), text escaped, times in UTC.
public struct ICalendar {
    public struct Event: Equatable, Sendable {
        public var uid: String
        public var start: Date
        public var duration: TimeInterval
        public var summary: String
        public var description: String?
        public var url: String?
        /// Where: a visit's address, a meeting's place.
        public var location: String?
        public var cancelled: Bool
        /// Alarms, as moments.
        public var alarms: [Date]

        public init(uid: String, start: Date, duration: TimeInterval, summary: String, description: String? = nil,
                    url: String? = nil, location: String? = nil, cancelled: Bool = false, alarms: [Date] = []) {
            self.uid = uid; self.start = start; self.duration = duration; self.summary = summary
            self.description = description; self.url = url; self.location = location; self.cancelled = cancelled
            self.alarms = alarms
        }
    }

    public var name: String
    public var events: [Event]

    public init(name: String, events: [Event]) {
        self.name = name
        self.events = events
    }

    /// The document; `now` is every event's DTSTAMP.
    public func text(now: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Rapport//Rapport CRM//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + ContentLine.escape(name)]
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:" + ContentLine.escape(event.uid), "DTSTAMP:" + Self.utc(now),
                      "DTSTART:" + Self.utc(event.start), "DTEND:" + Self.utc(event.start.addingTimeInterval(event.duration)),
                      "SUMMARY:" + ContentLine.escape(event.summary)]
            if let description = event.description { lines.append("DESCRIPTION:" + ContentLine.escape(description)) }
            if let location = event.location { lines.append("LOCATION:" + ContentLine.escape(location)) }
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            for alarm in event.alarms {
                lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:" + ContentLine.escape(event.summary),
                          "TRIGGER;VALUE=DATE-TIME:" + Self.utc(alarm), "END:VALARM"]
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(ContentLine.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20260301T100000Z`.
    static func utc(_ date: Date) -> String {
        var seconds = time_t(Int64(date.timeIntervalSince1970.rounded(.down)))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }
}
