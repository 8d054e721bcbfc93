import Foundation
import RapportDomain
import SQLKit

/// The department tree.
public struct DepartmentStore: Sendable {
    public init() {}

    static let columns = "id, name, parent_id, head_user_id, created_at, updated_at, created_by, version"

    public func insert(_ department: Department, on db: any SQLDatabase) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO departments (name, parent_id, head_user_id, created_at, updated_at, created_by, owner_id, version)
            VALUES (\(bind: department.name), \(bind: department.parentID), \(bind: department.headUserID),
                    \(bind: department.createdAt.millis), \(bind: department.updatedAt.millis),
                    \(bind: department.createdBy), \(bind: department.createdBy), 1)
            RETURNING id
            """).first()
        return try row!.decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Department? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM departments WHERE id = \(bind: id)")
            .first().map(Self.decode)
    }

    /// Every department; the tree is small enough to hold whole.
    public func all(on db: any SQLDatabase) async throws -> [Department] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM departments ORDER BY name, id").all().map(Self.decode)
    }

    public func list(parentID: Int64?, page: PageRequest, on db: any SQLDatabase) async throws -> Page<Department> {
        let keyset = Keyset(column: .init(sql: "id", numeric: true), idColumn: "id", descending: false, page: page)
        var conditions: [SQLQueryString] = []
        if let parentID { conditions.append("parent_id = \(bind: parentID)") }
        if let after = try keyset.afterCursor() { conditions.append(after) }
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM departments \(whereClause(conditions))
            \(keyset.orderBy) LIMIT \(literal: keyset.fetchLimit)
            """).all().map(Self.decode)
        return keyset.finish(rows, sortValue: { String($0.id) }, id: \.id)
    }

    /// The tree as (id, parent) pairs, for `DepartmentTree`.
    public func tree(on db: any SQLDatabase) async throws -> DepartmentTree {
        let rows = try await db.raw("SELECT id, parent_id FROM departments").all()
        return DepartmentTree(try rows.map {
            (id: try $0.decode(column: "id", as: Int64.self), parentID: try $0.decode(column: "parent_id", as: Int64?.self))
        })
    }

    public func update(_ department: Department, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE departments SET name = \(bind: department.name), parent_id = \(bind: department.parentID),
                head_user_id = \(bind: department.headUserID), updated_at = \(bind: department.updatedAt.millis),
                version = version + 1
            WHERE id = \(bind: department.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first().map { try $0.decode(column: "version", as: Int64.self) }
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM departments WHERE id = \(bind: id)").run()
    }

    /// How many child departments and users hang on `id` (a department in use is not deleted).
    public func usage(id: Int64, on db: any SQLDatabase) async throws -> (children: Int, users: Int) {
        let row = try await db.raw("""
            SELECT (SELECT COUNT(*) FROM departments WHERE parent_id = \(bind: id)) AS children,
                   (SELECT COUNT(*) FROM users WHERE department_id = \(bind: id)) AS members
            """).first()!
        return (try row.decode(column: "children", as: Int.self), try row.decode(column: "members", as: Int.self))
    }

    static func decode(_ row: any SQLRow) throws -> Department {
        Department(
            id: try row.decode(column: "id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            parentID: try row.decode(column: "parent_id", as: Int64?.self),
            headUserID: try row.decode(column: "head_user_id", as: Int64?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self),
            version: try row.decode(column: "version", as: Int64.self)
        )
    }
}
