import Foundation
import RapportDomain
import SQLKit

/// The durable timers. Firing claims due timers and marks them fired in the caller's
/// transaction, together with what firing does, so a timer fires exactly once: a crash
/// before the commit leaves it pending (it fires at the next look, however late), after the
/// commit it is done. On PostgreSQL `FOR UPDATE SKIP LOCKED` keeps two firers apart.
public struct TimerStore: Sendable {
    public init() {}

    /// Replaces the pending timers of one kind for one record with timers at `moments`.
    public func replace(kind: String, refID: Int64, moments: [Date], now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM timers WHERE kind = \(bind: kind) AND ref_id = \(bind: refID) AND state = 'pending'
            """).run()
        let rows: [[any Encodable & Sendable]] = Set(moments).sorted().map { [kind, refID, $0.millis, "pending", now.millis] }
        try await BulkInsert(table: "timers", columns: ["kind", "ref_id", "due_at", "state", "created_at"]).run(rows, on: db)
    }

    public func removeAll(kind: String, refID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM timers WHERE kind = \(bind: kind) AND ref_id = \(bind: refID)").run()
    }

    /// Takes up to `limit` timers due by `now` and marks them fired; returns them.
    public func claimDue(now: Date, limit: Int, on db: any SQLDatabase) async throws -> [DurableTimer] {
        let lock: SQLQueryString = db.dialect.name == "sqlite" ? "" : "FOR UPDATE SKIP LOCKED"
        let rows = try await db.raw("""
            UPDATE timers SET state = 'fired', fired_at = \(bind: now.millis)
            WHERE id IN (SELECT id FROM timers WHERE state = 'pending' AND due_at <= \(bind: now.millis)
                         ORDER BY due_at, id LIMIT \(literal: limit) \(lock))
            RETURNING id, kind, ref_id, due_at
            """).all()
        return try rows.map {
            DurableTimer(id: try $0.decode(column: "id", as: Int64.self), kind: try $0.decode(column: "kind", as: String.self),
                         refID: try $0.decode(column: "ref_id", as: Int64.self),
                         dueAt: Date(millis: try $0.decode(column: "due_at", as: Int64.self)))
        }.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
    }

    /// When the next pending timer is due (one may be due already); nil when none waits.
    public func nextDue(on db: any SQLDatabase) async throws -> Date? {
        try await db.raw("""
            SELECT due_at FROM timers WHERE state = 'pending' ORDER BY due_at, id LIMIT 1
            """).first().map { Date(millis: try $0.decode(column: "due_at", as: Int64.self)) }
    }

    public func pending(kind: String, refID: Int64, on db: any SQLDatabase) async throws -> [Date] {
        try await db.raw("""
            SELECT due_at FROM timers WHERE kind = \(bind: kind) AND ref_id = \(bind: refID) AND state = 'pending' ORDER BY due_at
            """).all().map { Date(millis: try $0.decode(column: "due_at", as: Int64.self)) }
    }
}
