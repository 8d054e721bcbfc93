import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Each person's iCalendar feed (RFC 5545) at a secret address, for Google, Apple or Outlook
/// calendars, from a month ago on: their tasks with a deadline, each an event that ends at
/// its deadline; the meetings, visits and planned interactions they lead or take part in,
/// for their duration (half an hour when none), at their place; reminders as alarms. The secret is shown once, kept as a hash,
/// and a new one ends the old.
public struct CalendarFeedService: Sendable {
    let env: ServiceEnvironment
    let feeds = CalendarFeedStore()
    /// How long before its deadline a task's event starts.
    static let eventLength: TimeInterval = 30 * 60

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// A new secret for the principal's feed (the old one stops working).
    public func renew(by principal: Principal) async throws -> String {
        let token = SecretGenerator.token(byteCount: 24)
        let now = env.clock.now()
        try await env.database.transaction { db in
            try await self.feeds.replace(userID: principal.userID, tokenHash: SecretGenerator.hash(token), at: now, on: db)
        }
        return token
    }

    public func hasFeed(by principal: Principal) async throws -> Bool {
        try await env.database.read { db in try await self.feeds.exists(userID: principal.userID, on: db) }
    }

    public func remove(by principal: Principal) async throws {
        try await env.database.transaction { db in try await self.feeds.remove(userID: principal.userID, on: db) }
    }

    /// The feed behind a secret; nil for a secret that is not one (or a person disabled since).
    /// `baseURL` makes the events' links absolute.
    public func feed(token: String, baseURL: String) async throws -> String? {
        let now = env.clock.now()
        guard let userID = try await env.database.read({ db in
            try await self.feeds.user(tokenHash: SecretGenerator.hash(token), on: db)
        }) else { return nil }
        let principal: Principal
        do {
            principal = try await AuthService(env: env).consolePrincipal(userID: userID)
        } catch RapportError.notFound {
            return nil
        }
        guard principal.user.isActive else { return nil }
        let tasks = try await TaskService(env: env).list(
            .init(view: .mine, deadlineFrom: now.addingTimeInterval(-30 * 86_400)), page: .init(limit: PageRequest.maxLimit),
            by: principal).items
        let events = tasks.compactMap { task -> ICalendar.Event? in
            guard let deadline = task.deadline else { return nil }
            return ICalendar.Event(
                uid: "task-\(task.id)@rapport", start: deadline.addingTimeInterval(-Self.eventLength), duration: Self.eventLength,
                summary: task.title, description: task.description, url: baseURL + "/tasks/\(task.id)",
                cancelled: task.status == .cancelled, alarms: task.status.isOpen ? task.reminders : [])
        }
        var query = InteractionStore.Query(mineOnly: true, from: now.addingTimeInterval(-30 * 86_400), ascending: true)
        query.calendarOnly = true
        var interactions: [Interaction] = []
        var page = PageRequest(limit: PageRequest.maxLimit)
        // A few pages: the month behind and what lies ahead, up to 2,000 entries.
        for _ in 0..<4 {
            let found = try await InteractionService(env: env).list(query, page: page, by: principal)
            interactions += found.items
            guard let next = found.nextCursor else { break }
            page.cursor = next
        }
        let appointments = interactions.map { item in
            ICalendar.Event(
                uid: "interaction-\(item.id)@rapport", start: item.startAt,
                duration: item.durationMinutes.map { TimeInterval($0) * 60 } ?? Self.eventLength, summary: item.subject,
                description: item.details, url: baseURL + "/interactions/\(item.id)",
                location: item.kind.isAppointment ? item.channel : nil, cancelled: item.status == .cancelled,
                alarms: item.status == .planned ? item.reminders : [])
        }
        return ICalendar(name: "Rapport — \(principal.user.displayName)", events: events + appointments).text(now: now)
    }
}
