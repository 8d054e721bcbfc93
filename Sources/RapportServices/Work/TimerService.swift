import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Fires durable timers: each batch of due timers is claimed and acted on in one
/// transaction, so a timer fires once — not twice after a crash mid-fire, and not never
/// when the process was down at its moment (it fires at the next look).
public struct TimerService: Sendable {
    public static let taskReminder = "task_reminder"
    public static let interactionReminder = "interaction_reminder"

    let env: ServiceEnvironment
    let timers = TimerStore()
    let notifications = NotificationStore()

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// Fires the timers due now, at most `limit` in one transaction; returns how many fired.
    @discardableResult
    public func fireDue(limit: Int = 500) async throws -> Int {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let due = try await self.timers.claimDue(now: now, limit: limit, on: db)
            for timer in due {
                switch timer.kind {
                case Self.taskReminder: try await self.remind(timer, now: now, db)
                case Self.interactionReminder: try await self.remindOfInteraction(timer, now: now, db)
                case ServiceLevelService.timerKind: try await ServiceLevelService(env: self.env).fire(timer.refID, now: now, db)
                default: env.logger.warning("a timer of an unknown kind was dropped", metadata: ["kind": "\(timer.kind)"])
                }
            }
            return due.count
        }
    }

    /// How long until the next timer is due (zero when one is due already); nil when none waits.
    public func untilNextDue() async throws -> Duration? {
        let next = try await env.database.read { db in try await self.timers.nextDue(on: db) }
        return next.map { .milliseconds(max(0, Int64(($0.timeIntervalSince(env.clock.now()) * 1000).rounded(.up)))) }
    }

    /// Whether several workers may fire timers at once (PostgreSQL, whose claims skip the rows
    /// another holds); SQLite has one writer.
    public var firesInParallel: Bool { env.database.kind == .postgres }

    /// A task's reminder: its responsible and co-executors are told, with the task's title and
    /// deadline; a task done or cancelled meanwhile reminds nobody.
    func remind(_ timer: DurableTimer, now: Date, _ db: any SQLDatabase) async throws {
        guard let task = try await TaskStore().find(id: timer.refID, on: db), task.status.isOpen else { return }
        for user in [task.ownerID] + task.coExecutorIDs {
            try await notifications.add(
                AppNotification(userID: user, kind: Self.taskReminder, title: task.title,
                                body: task.deadline.map(ISO8601.string), link: "/tasks/\(task.id)",
                                source: "timer:\(timer.id)", createdAt: now),
                on: db)
        }
    }

    /// A meeting's or visit's reminder tells the responsible and the colleagues taking part
    /// what it is about: the time, the client, the place or channel and the details (for a
    /// visit, what was agreed). One no longer planned reminds nobody.
    func remindOfInteraction(_ timer: DurableTimer, now: Date, _ db: any SQLDatabase) async throws {
        guard let item = try await InteractionStore().find(id: timer.refID, on: db), item.status == .planned else { return }
        var client: SearchStore.Summary?
        if let link = item.link {
            client = try await SearchStore().summaries([(link.entity, link.id)], on: db)[link.entity]?[link.id]
        }
        var users = [item.ownerID]
        for user in item.userParticipantIDs where !users.contains(user) { users.append(user) }
        for user in users {
            // The client is named only to those who may read it.
            var name: String?
            if let client, let permission = WorkTask.Link.entities[client.entity],
               let subject = try await AuthService.subject(userID: user, on: db),
               AccessPolicy.allows(subject, .read, permission, record: client.ownership) {
                name = client.name
            }
            let body = [ISO8601.string(item.startAt), name, item.channel, item.details.map { String($0.prefix(400)) }]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · ")
            try await notifications.add(
                AppNotification(userID: user, kind: Self.interactionReminder, title: item.subject, body: body,
                                link: "/interactions/\(item.id)", source: "timer:\(timer.id)", createdAt: now),
                on: db)
        }
    }
}
