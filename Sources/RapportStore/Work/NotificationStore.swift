import Foundation
import RapportDomain
import SQLKit

/// People's in-app notifications. Adding one whose source the person already has does nothing.
public struct NotificationStore: Sendable {
    public init() {}

    /// Adds a notification unless the person turned its kind off.
    public func add(_ n: AppNotification, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO notifications (user_id, kind, title, body, link, source, created_at)
            SELECT \(bind: n.userID), \(bind: n.kind), \(bind: n.title), \(bind: n.body), \(bind: n.link), \(bind: n.source),
                \(bind: n.createdAt.millis)
            WHERE NOT EXISTS (SELECT 1 FROM notification_mutes WHERE user_id = \(bind: n.userID) AND kind = \(bind: n.kind))
            ON CONFLICT (source, user_id) DO NOTHING
            """).run()
    }

    /// The kinds `userID` turned off.
    public func muted(userID: Int64, on db: any SQLDatabase) async throws -> Set<String> {
        Set(try await db.raw("SELECT kind FROM notification_mutes WHERE user_id = \(bind: userID)").all()
            .map { try $0.decode(column: "kind", as: String.self) })
    }

    public func setMuted(_ kinds: Set<String>, userID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM notification_mutes WHERE user_id = \(bind: userID)").run()
        try await BulkInsert(table: "notification_mutes", columns: ["user_id", "kind"])
            .run(kinds.sorted().map { [userID, $0] }, on: db)
    }

    /// A page of `userID`'s notifications, newest first.
    public func list(userID: Int64, unreadOnly: Bool, page: PageRequest, on db: any SQLDatabase) async throws
        -> Page<AppNotification>
    {
        var conditions: [SQLQueryString] = ["user_id = \(bind: userID)"]
        if unreadOnly { conditions.append("read_at IS NULL") }
        if let cursor = page.cursor { conditions.append("id < \(bind: cursor.id)") }
        let rows = try await db.raw("""
            SELECT id, user_id, kind, title, body, link, source, created_at, read_at FROM notifications
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT \(literal: page.limit + 1)
            """).all()
        var items = try rows.map(Self.decode)
        let more = items.count > page.limit
        if more { items.removeLast() }
        return Page(items: items, nextCursor: more ? items.last.map { PageCursor(sortValue: "", id: $0.id) } : nil)
    }

    public func unreadCount(userID: Int64, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM notifications WHERE user_id = \(bind: userID) AND read_at IS NULL")
            .first()!.decode(column: "n", as: Int.self)
    }

    /// Marks one notification (or, with nil, all) of `userID` read; returns how many changed.
    @discardableResult
    public func markRead(userID: Int64, id: Int64?, at now: Date, on db: any SQLDatabase) async throws -> Int {
        let only: SQLQueryString = id.map { "AND id = \(bind: $0)" } ?? ""
        return try await db.raw("""
            UPDATE notifications SET read_at = \(bind: now.millis)
            WHERE user_id = \(bind: userID) AND read_at IS NULL \(only) RETURNING id
            """).all().count
    }

    public func find(id: Int64, userID: Int64, on db: any SQLDatabase) async throws -> AppNotification? {
        try await db.raw("""
            SELECT id, user_id, kind, title, body, link, source, created_at, read_at FROM notifications
            WHERE id = \(bind: id) AND user_id = \(bind: userID)
            """).first().map(Self.decode)
    }

    static func decode(_ row: any SQLRow) throws -> AppNotification {
        AppNotification(
            id: try row.decode(column: "id", as: Int64.self), userID: try row.decode(column: "user_id", as: Int64.self),
            kind: try row.decode(column: "kind", as: String.self), title: try row.decode(column: "title", as: String.self),
            body: try row.decode(column: "body", as: String?.self), link: try row.decode(column: "link", as: String?.self),
            source: try row.decode(column: "source", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            readAt: try row.decode(column: "read_at", as: Int64?.self).map(Date.init(millis:)))
    }
}
