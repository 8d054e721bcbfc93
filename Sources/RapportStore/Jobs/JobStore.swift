import Foundation
import RapportDomain
import SQLKit

/// The job queue's table. Claiming takes the oldest due job — queued and due, or running
/// with a lease that ran out — in one statement: with `FOR UPDATE SKIP LOCKED` on
/// PostgreSQL, so workers on several nodes never take the same job; on SQLite the single
/// writer serialises claims.
public struct JobStore: Sendable {
    public init() {}

    static let columns = """
        id, kind, payload, state, attempts, max_attempts, run_at, locked_by, locked_until, last_error, created_at,
        updated_at, created_by
        """

    /// Adds a job, normally in the transaction of the change that asks for it.
    public func enqueue(_ job: Job, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO jobs (kind, payload, state, attempts, max_attempts, run_at, created_at, updated_at, created_by)
            VALUES (\(bind: job.kind), \(bind: job.payload), 'queued', 0, \(bind: job.maxAttempts), \(bind: job.runAt.millis),
                \(bind: job.createdAt.millis), \(bind: job.updatedAt.millis), \(bind: job.createdBy))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Job? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM jobs WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// Takes the next due job of `kinds` for `worker` until `now + lease`, counting an attempt.
    public func claim(kinds: [String], worker: String, now: Date, lease: TimeInterval, on db: any SQLDatabase)
        async throws -> Job?
    {
        guard !kinds.isEmpty else { return nil }
        let lock: SQLQueryString = db.dialect.name == "sqlite" ? "" : "FOR UPDATE SKIP LOCKED"
        return try await db.raw("""
            UPDATE jobs SET state = 'running', locked_by = \(bind: worker),
                locked_until = \(bind: now.addingTimeInterval(lease).millis), attempts = attempts + 1,
                updated_at = \(bind: now.millis)
            WHERE id = (
                SELECT id FROM jobs
                WHERE kind IN (\(binds: kinds)) AND ((state = 'queued' AND run_at <= \(bind: now.millis))
                    OR (state = 'running' AND locked_until < \(bind: now.millis)))
                ORDER BY run_at, id LIMIT 1 \(lock))
            RETURNING \(unsafeRaw: Self.columns)
            """).first().map(Self.decode)
    }

    /// Extends the lease of a job `worker` still holds; false when it no longer holds it.
    public func extend(id: Int64, worker: String, until: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            UPDATE jobs SET locked_until = \(bind: until.millis)
            WHERE id = \(bind: id) AND state = 'running' AND locked_by = \(bind: worker)
            RETURNING id
            """).first() != nil
    }

    /// Marks the job done, if `worker` still holds it.
    public func complete(id: Int64, worker: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE jobs SET state = 'done', locked_by = NULL, locked_until = NULL, updated_at = \(bind: now.millis)
            WHERE id = \(bind: id) AND locked_by = \(bind: worker)
            """).run()
    }

    /// Records a failed attempt: queued again at `retryAt`, or failed for good when nil.
    public func fail(id: Int64, worker: String, error: String, retryAt: Date?, now: Date, on db: any SQLDatabase)
        async throws
    {
        try await db.raw("""
            UPDATE jobs SET state = \(bind: retryAt == nil ? "failed" : "queued"), run_at = \(bind: (retryAt ?? now).millis),
                locked_by = NULL, locked_until = NULL, last_error = \(bind: String(error.prefix(2000))),
                updated_at = \(bind: now.millis)
            WHERE id = \(bind: id) AND locked_by = \(bind: worker)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> Job {
        Job(id: try row.decode(column: "id", as: Int64.self),
            kind: try row.decode(column: "kind", as: String.self),
            payload: try row.decode(column: "payload", as: String.self),
            state: Job.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
            attempts: try row.decode(column: "attempts", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self),
            runAt: Date(millis: try row.decode(column: "run_at", as: Int64.self)),
            lockedBy: try row.decode(column: "locked_by", as: String?.self),
            lockedUntil: try row.decode(column: "locked_until", as: Int64?.self).map { Date(millis: $0) },
            lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self))
    }
}
