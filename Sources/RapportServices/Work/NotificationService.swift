import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// A person's in-app notifications: the list, the unread count, marking them read. Each
/// person sees only their own.
public struct NotificationService: Sendable {
    let env: ServiceEnvironment
    let store = NotificationStore()

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public func list(unreadOnly: Bool = false, page: PageRequest, by principal: Principal) async throws
        -> Page<AppNotification>
    {
        try await env.database.read { db in
            try await self.store.list(userID: principal.userID, unreadOnly: unreadOnly, page: page, on: db)
        }
    }

    public func unreadCount(by principal: Principal) async throws -> Int {
        try await env.database.read { db in try await self.store.unreadCount(userID: principal.userID, on: db) }
    }

    /// Marks one of the principal's notifications read; another person's is "not found".
    public func markRead(_ id: Int64, by principal: Principal) async throws -> AppNotification {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard try await self.store.find(id: id, userID: principal.userID, on: db) != nil else {
                throw RapportError.notFound(entity: "notification")
            }
            try await self.store.markRead(userID: principal.userID, id: id, at: now, on: db)
            return try await self.store.find(id: id, userID: principal.userID, on: db)!
        }
    }

    /// Marks every unread notification of the principal read; returns how many there were.
    public func markAllRead(by principal: Principal) async throws -> Int {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            try await self.store.markRead(userID: principal.userID, id: nil, at: now, on: db)
        }
    }

    /// The kinds of notification there are; each person may turn any of them off.
    public static let kinds = [TimerService.taskReminder, TimerService.interactionReminder, "mention"]

    /// The kinds the principal receives.
    public func enabledKinds(by principal: Principal) async throws -> [String] {
        let muted = try await env.database.read { db in try await self.store.muted(userID: principal.userID, on: db) }
        return Self.kinds.filter { !muted.contains($0) }
    }

    /// Sets the kinds the principal receives; an unknown kind is named.
    public func setEnabledKinds(_ kinds: [String], by principal: Principal) async throws -> [String] {
        var v = Validator()
        for (index, kind) in kinds.enumerated() where !Self.kinds.contains(kind) {
            v.add("enabled.\(index)", "invalid", "\(kind) is not a kind of notification: \(Self.kinds.joined(separator: ", "))")
        }
        try v.throwIfInvalid()
        let muted = Set(Self.kinds).subtracting(kinds)
        try await env.database.transaction { db in try await self.store.setMuted(muted, userID: principal.userID, on: db) }
        return Self.kinds.filter { !muted.contains($0) }
    }
}
