import Foundation
import RapportDomain
import SQLKit

/// The service levels and the leads they watch.
public struct ServiceLevelStore: Sendable {
    public init() {}

    static let columns = "id, name, position, active, minutes, pipeline_id, stage_id, source, action, notify_user_id, version"
    static let checkColumns = "id, service_level_id, lead_id, task_id, user_id, due_at, state, acted_at, new_user_id, created_at"

    static let memoKey = "service_levels"

    /// The levels in order; read once per transaction (every write here forgets them).
    public func list(on db: any SQLDatabase) async throws -> [ServiceLevel] {
        try await TransactionMemo.read(Self.memoKey) {
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM service_levels ORDER BY position, id").all().map(Self.decode)
        }
    }

    /// One level; within a transaction from the levels read once.
    public func find(id: Int64, on db: any SQLDatabase) async throws -> ServiceLevel? {
        if TransactionMemo.current != nil { return try await list(on: db).first { $0.id == id } }
        return try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM service_levels WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func insert(_ s: ServiceLevel, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        TransactionMemo.current?.forget(Self.memoKey)
        return try await db.raw("""
            INSERT INTO service_levels (name, position, active, minutes, pipeline_id, stage_id, source, action, notify_user_id,
                created_at, updated_at, version)
            VALUES (\(bind: s.name), \(bind: s.position), \(bind: s.active), \(bind: s.minutes), \(bind: s.pipelineID),
                \(bind: s.stageID), \(bind: s.source), \(bind: s.action.rawValue), \(bind: s.notifyUserID), \(bind: now.millis),
                \(bind: now.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func update(_ s: ServiceLevel, expectedVersion: Int64, now: Date, on db: any SQLDatabase) async throws -> Int64? {
        TransactionMemo.current?.forget(Self.memoKey)
        return try await db.raw("""
            UPDATE service_levels SET name = \(bind: s.name), position = \(bind: s.position), active = \(bind: s.active),
                minutes = \(bind: s.minutes), pipeline_id = \(bind: s.pipelineID), stage_id = \(bind: s.stageID),
                source = \(bind: s.source), action = \(bind: s.action.rawValue), notify_user_id = \(bind: s.notifyUserID),
                updated_at = \(bind: now.millis), version = version + 1
            WHERE id = \(bind: s.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        TransactionMemo.current?.forget(Self.memoKey)
        try await db.raw("DELETE FROM service_levels WHERE id = \(bind: id)").run()
    }

    public func hasChecks(serviceLevelID: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT 1 AS x FROM service_level_checks WHERE service_level_id = \(bind: serviceLevelID) LIMIT 1").first() != nil
    }

    // MARK: checks

    public func insert(_ c: ServiceLevelCheck, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO service_level_checks (service_level_id, lead_id, task_id, user_id, due_at, state, created_at)
            VALUES (\(bind: c.serviceLevelID), \(bind: c.leadID), \(bind: c.taskID), \(bind: c.userID), \(bind: c.dueAt.millis),
                \(bind: c.state.rawValue), \(bind: c.createdAt.millis))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func check(id: Int64, on db: any SQLDatabase) async throws -> ServiceLevelCheck? {
        try await db.raw("SELECT \(unsafeRaw: Self.checkColumns) FROM service_level_checks WHERE id = \(bind: id)").first()
            .map(Self.decodeCheck)
    }

    /// Settles a pending check (once: a check no longer pending is left as it is); whether it did.
    public func settle(_ id: Int64, as state: ServiceLevelCheck.State, at: Date, newUserID: Int64?, on db: any SQLDatabase)
        async throws -> Bool
    {
        try await db.raw("""
            UPDATE service_level_checks SET state = \(bind: state.rawValue), acted_at = \(bind: at.millis),
                new_user_id = \(bind: newUserID)
            WHERE id = \(bind: id) AND state = 'pending'
            RETURNING id
            """).first() != nil
    }

    /// Breaches, newest first, optionally of one employee; keyset by id.
    public func breaches(userID: Int64?, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [ServiceLevelCheck] {
        var conditions: [SQLQueryString] = ["state = 'breached'"]
        if let userID { conditions.append("user_id = \(bind: userID)") }
        if let before { conditions.append("id < \(bind: before)") }
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.checkColumns) FROM service_level_checks WHERE \(conditions.joined(separator: " AND "))
            ORDER BY id DESC LIMIT \(literal: limit)
            """).all().map(Self.decodeCheck)
    }

    /// Per employee: leads watched, breached and met since `from`.
    public func summary(since from: Date, on db: any SQLDatabase) async throws -> [(userID: Int64, watched: Int, breached: Int, met: Int)] {
        try await db.raw("""
            SELECT user_id, COUNT(*) AS watched,
                SUM(CASE WHEN state = 'breached' THEN 1 ELSE 0 END) AS breached,
                SUM(CASE WHEN state = 'met' THEN 1 ELSE 0 END) AS met
            FROM service_level_checks WHERE created_at >= \(bind: from.millis)
            GROUP BY user_id ORDER BY breached DESC, user_id
            """).all().map { row in
            (try row.decode(column: "user_id", as: Int64.self), try row.decode(column: "watched", as: Int.self),
             try row.decode(column: "breached", as: Int.self), try row.decode(column: "met", as: Int.self))
        }
    }

    static func decode(_ row: any SQLRow) throws -> ServiceLevel {
        ServiceLevel(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                     position: try row.decode(column: "position", as: Int.self), active: try row.decode(column: "active", as: Bool.self),
                     minutes: try row.decode(column: "minutes", as: Int.self),
                     pipelineID: try row.decode(column: "pipeline_id", as: Int64?.self),
                     stageID: try row.decode(column: "stage_id", as: Int64?.self), source: try row.decode(column: "source", as: String?.self),
                     action: ServiceLevel.Action(rawValue: try row.decode(column: "action", as: String.self)) ?? .notify,
                     notifyUserID: try row.decode(column: "notify_user_id", as: Int64?.self),
                     version: try row.decode(column: "version", as: Int64.self))
    }

    static func decodeCheck(_ row: any SQLRow) throws -> ServiceLevelCheck {
        var check = ServiceLevelCheck(id: try row.decode(column: "id", as: Int64.self),
                                      serviceLevelID: try row.decode(column: "service_level_id", as: Int64.self),
                                      leadID: try row.decode(column: "lead_id", as: Int64.self),
                                      taskID: try row.decode(column: "task_id", as: Int64.self),
                                      userID: try row.decode(column: "user_id", as: Int64.self),
                                      dueAt: Date(millis: try row.decode(column: "due_at", as: Int64.self)),
                                      state: ServiceLevelCheck.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .pending,
                                      createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
        check.actedAt = try row.decode(column: "acted_at", as: Int64?.self).map(Date.init(millis:))
        check.newUserID = try row.decode(column: "new_user_id", as: Int64?.self)
        return check
    }
}
