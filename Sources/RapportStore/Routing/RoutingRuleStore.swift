import Foundation
import RapportDomain
import SQLKit

/// The routing rules, in order, and the facts a choice needs: who is in a pool, how many open
/// leads each person has.
public struct RoutingRuleStore: Sendable {
    public init() {}

    static let columns = "id, name, position, active, condition, pool, strategy, fallback_user_id, last_user_id, version"
    static let memoKey = "routing_rules"

    /// The rules in order; read once per transaction (every write here forgets them).
    public func list(on db: any SQLDatabase) async throws -> [RoutingRule] {
        try await TransactionMemo.read(Self.memoKey) {
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM routing_rules ORDER BY position, id").all().map(Self.decode)
        }
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> RoutingRule? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM routing_rules WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func insert(_ r: RoutingRule, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        TransactionMemo.current?.forget(Self.memoKey)
        return try await db.raw("""
            INSERT INTO routing_rules (name, position, active, condition, pool, strategy, fallback_user_id, last_user_id,
                created_at, updated_at, version)
            VALUES (\(bind: r.name), \(bind: r.position), \(bind: r.active), \(bind: r.condition), \(bind: JSONText.encode(r.pool)),
                \(bind: r.strategy.rawValue), \(bind: r.fallbackUserID), NULL, \(bind: now.millis), \(bind: now.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    /// Saves the rule when it is still `expectedVersion`; the new version or nil.
    public func update(_ r: RoutingRule, expectedVersion: Int64, now: Date, on db: any SQLDatabase) async throws -> Int64? {
        TransactionMemo.current?.forget(Self.memoKey)
        return try await db.raw("""
            UPDATE routing_rules SET name = \(bind: r.name), position = \(bind: r.position), active = \(bind: r.active),
                condition = \(bind: r.condition), pool = \(bind: JSONText.encode(r.pool)), strategy = \(bind: r.strategy.rawValue),
                fallback_user_id = \(bind: r.fallbackUserID), updated_at = \(bind: now.millis), version = version + 1
            WHERE id = \(bind: r.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    /// Remembers whom the rule chose (the round-robin's place); not a change of its settings.
    public func setLastUser(ruleID: Int64, userID: Int64, on db: any SQLDatabase) async throws {
        TransactionMemo.current?.forget(Self.memoKey)
        try await db.raw("UPDATE routing_rules SET last_user_id = \(bind: userID) WHERE id = \(bind: ruleID)").run()
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        TransactionMemo.current?.forget(Self.memoKey)
        try await db.raw("DELETE FROM routing_rules WHERE id = \(bind: id)").run()
    }

    /// The place after the last rule.
    public func nextPosition(on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COALESCE(MAX(position), -1) + 1 AS n FROM routing_rules").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The pool's people in its order: the named users first, then the department's (with its
    /// sub-departments) and the role's, each by id; every one of them, active or not.
    public func members(of pool: RoutingRule.Pool, on db: any SQLDatabase) async throws -> [User] {
        var ids = pool.userIDs
        if let department = pool.departmentID {
            let rows = try await db.raw("""
                WITH RECURSIVE tree(id) AS (
                    SELECT id FROM departments WHERE id = \(bind: department)
                    UNION SELECT departments.id FROM departments JOIN tree ON departments.parent_id = tree.id
                )
                SELECT users.id FROM users WHERE users.department_id IN (SELECT id FROM tree) ORDER BY users.id
                """).all()
            ids += try rows.map { try $0.decode(column: "id", as: Int64.self) }
        }
        if let role = pool.roleID {
            ids += try await db.raw("SELECT id FROM users WHERE role_id = \(bind: role) ORDER BY id").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
        }
        var seen = Set<Int64>()
        let ordered = ids.filter { seen.insert($0).inserted }
        guard !ordered.isEmpty else { return [] }
        let users = Dictionary(uniqueKeysWithValues: try await UserStore().find(ids: ordered, on: db).map { ($0.id, $0) })
        return ordered.compactMap { users[$0] }
    }

    /// Open leads (in an open stage) per responsible, for the people asked about — from the
    /// board's totals, not the leads themselves.
    public func openLeads(of userIDs: [Int64], on db: any SQLDatabase) async throws -> [Int64: Int] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await db.raw("""
            SELECT t.owner_id, CAST(SUM(t.n) AS BIGINT) AS n FROM stage_totals t JOIN stages s ON s.id = t.stage_id
            WHERE t.entity = 'lead' AND s.kind = 'open' AND t.owner_id IN (\(binds: userIDs))
            GROUP BY t.owner_id
            """).all()
        var counts: [Int64: Int] = [:]
        for row in rows { counts[try row.decode(column: "owner_id", as: Int64.self)] = try row.decode(column: "n", as: Int.self) }
        return counts
    }

    static func decode(_ row: any SQLRow) throws -> RoutingRule {
        RoutingRule(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                    position: try row.decode(column: "position", as: Int.self), active: try row.decode(column: "active", as: Bool.self),
                    condition: try row.decode(column: "condition", as: String?.self),
                    pool: try JSONText.decode(RoutingRule.Pool.self, try row.decode(column: "pool", as: String.self)),
                    strategy: RoutingRule.Strategy(rawValue: try row.decode(column: "strategy", as: String.self)) ?? .roundRobin,
                    fallbackUserID: try row.decode(column: "fallback_user_id", as: Int64?.self),
                    lastUserID: try row.decode(column: "last_user_id", as: Int64?.self),
                    version: try row.decode(column: "version", as: Int64.self))
    }
}
