import Foundation
import NIOConcurrencyHelpers
import RapportDomain
import RapportStore
import SQLKit

/// The company's business calendar: the working week and the production calendar an
/// administrator keeps, in the company's time zone. Everything counted in working time
/// (task deadlines from stages and automation, later service levels) asks `calendar()`.
public struct WorkCalendarService: Sendable {
    let env: ServiceEnvironment
    let store = WorkCalendarStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// The calendar as kept: the week, the production calendar's text and its rules, the version (0: never saved).
    public struct Settings: Sendable, Equatable {
        public var week: WorkWeek
        public var daysText: String
        public var days: [CalendarDate: DayRule]
        public var version: Int64
    }

    public func settings(by principal: Principal?) async throws -> Settings {
        if let principal { try Access.requireAny(principal, .read, .settings) }
        return try await env.database.read { db in try await self.stored(db) }
    }

    /// The saved calendar. It was checked when it was saved, so a row that no longer reads
    /// (edited by hand in the database) is a fault: it is logged, and the usual week without
    /// exceptions stands in until an administrator saves the calendar again.
    func stored(_ db: any SQLDatabase) async throws -> Settings {
        guard let row = try await WorkCalendarStore().get(on: db) else {
            return Settings(week: .standard, daysText: "", days: [:], version: 0)
        }
        let week = WorkWeek(text: row.week)
        if week == nil {
            env.logger.error("the saved working week does not read; the usual week is used", metadata: ["week": "\(row.week)"])
        }
        var days: [CalendarDate: DayRule] = [:]
        do {
            days = try ProductionCalendarFile.parse(row.days, week: week ?? .standard)
        } catch {
            env.logger.error("the saved production calendar does not read; it is left out", metadata: ["error": "\(error)"])
        }
        return Settings(week: week ?? .standard, daysText: row.days, days: days, version: row.version)
    }

    /// The business calendar in the company's time zone.
    public func calendar() async throws -> BusinessCalendar {
        try await env.database.read { db in try await self.calendar(on: db) }
    }

    /// One person's calendar: where they have their own working hours, those hours in their
    /// time zone with the company's holidays and shortened days; otherwise (or for a person
    /// unknown) the company's calendar.
    public func calendar(forUser userID: Int64) async throws -> BusinessCalendar {
        try await env.database.read { db in try await self.calendar(forUser: userID, on: db) }
    }

    /// `calendar()` read on the caller's connection (inside its transaction).
    func calendar(on db: any SQLDatabase) async throws -> BusinessCalendar {
        let zone = try await SettingsStore().get(on: db)?.timeZone ?? "UTC"
        let settings = try await stored(db)
        return BusinessCalendar(timeZone: TimeZone(identifier: zone) ?? .gmt, week: settings.week, exceptions: settings.days)
    }

    /// `calendar(forUser:)` read on the caller's connection.
    func calendar(forUser userID: Int64, on db: any SQLDatabase) async throws -> BusinessCalendar {
        guard let user = try await UserStore().find(id: userID, on: db), let text = user.workingHours else {
            return try await calendar(on: db)
        }
        guard let week = Self.week(text) else {
            // Saved before hours were checked: the company's calendar stands in.
            env.logger.notice("a person's working hours do not read; the company's calendar is used", metadata: ["user": "\(userID)"])
            return try await calendar(on: db)
        }
        let settings = try await stored(db)
        return BusinessCalendar(timeZone: TimeZone(identifier: user.timeZone) ?? .gmt, week: week, exceptions: settings.days)
    }

    /// People's working hours as read, by their text: a few distinct texts, read on every
    /// deadline and routing choice.
    private static let weeks = NIOLockedValueBox([String: WorkWeek?]())

    /// A person's working hours read (nil when they do not read), remembered by text.
    static func week(_ text: String) -> WorkWeek? {
        if let known = weeks.withLockedValue({ $0[text] }) { return known }
        let week: WorkWeek? = if case .success(let week) = WeekSchedule.parse(text) { week } else { nil }
        weeks.withLockedValue { cache in
            if cache.count >= 1000 { cache.removeAll() }
            cache[text] = week
        }
        return week
    }

    /// Several people's calendars at once (the company's settings read once): each person's own
    /// hours where they have them, the company's otherwise.
    func calendars(for users: [User], on db: any SQLDatabase) async throws -> [Int64: BusinessCalendar] {
        guard !users.isEmpty else { return [:] }
        let company = try await calendar(on: db)
        let settings = try await stored(db)
        var out: [Int64: BusinessCalendar] = [:]
        for user in users {
            if let text = user.workingHours, let week = Self.week(text) {
                out[user.id] = BusinessCalendar(timeZone: TimeZone(identifier: user.timeZone) ?? .gmt, week: week,
                                                exceptions: settings.days)
            } else {
                out[user.id] = company
            }
        }
        return out
    }

    /// Changes the week (seven texts like `9:00-13:00,14:00-18:00`, Monday first, empty for a
    /// day off) and/or the production calendar's text; each mistake is named (`week.3`, `days`
    /// with the line).
    public func update(week texts: [String]?, days: String?, expectedVersion: Int64?, by principal: Principal?) async throws
        -> Settings
    {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.stored(db)
            try Access.requireVersion(expectedVersion, current: before.version)
            var v = Validator()
            var week = before.week
            if let texts {
                if texts.count != 7 { v.add("week", "invalid", "week must have seven days, Monday first") } else {
                    var days: [DayHours] = []
                    for (index, text) in texts.enumerated() {
                        let trimmed = text.trimmingCharacters(in: .whitespaces)
                        if trimmed.isEmpty { days.append(.off); continue }
                        if let hours = DayHours(text: trimmed) { days.append(hours) } else {
                            v.add("week.\(index)", "hours_format", "write the hours like 9:00-13:00,14:00-18:00, in order, within the day")
                            days.append(.off)
                        }
                    }
                    if let parsed = WorkWeek(days) { week = parsed } else if v.errors.isEmpty {
                        v.add("week", "no_working_time", "at least one day of the week must have working hours")
                    }
                }
            }
            var daysText = before.daysText
            var rules = before.days
            if let days {
                do {
                    rules = try ProductionCalendarFile.parse(days, week: week)
                    daysText = days
                } catch let failure as ProductionCalendarFile.Failure {
                    // The line and what is wrong with it are the message itself.
                    v.add("days", "bad_line", failure.description)
                }
            }
            try v.throwIfInvalid()
            guard let version = try await self.store.save(week: week.text, days: daysText, expectedVersion: before.version,
                                                          at: now, on: db)
            else { throw RapportError.stale(currentVersion: before.version) }
            var changes = ChangeSet()
            changes.compare("work_week", before.week.text, week.text)
            changes.compare("production_calendar", "\(before.days.count)", "\(rules.count)")
            if !changes.changes.isEmpty {
                try await self.events.record("settings", 1, .updated, changes: changes.changes, by: principal?.userID, on: db)
            }
            return Settings(week: week, daysText: daysText, days: rules, version: version)
        }
    }
}
