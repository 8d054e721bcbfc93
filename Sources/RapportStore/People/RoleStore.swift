import Foundation
import RapportDomain
import SQLKit

/// Roles and their permission matrices.
public struct RoleStore: Sendable {
    public init() {}

    static let columns = "id, key, name, description, permissions, created_at, updated_at, created_by, version"

    public func insert(_ role: Role, on db: any SQLDatabase) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO roles (key, name, name_key, description, permissions, created_at, updated_at, created_by, owner_id,
                               version)
            VALUES (\(bind: role.key), \(bind: role.name), \(bind: Self.nameKey(role.name)), \(bind: role.description),
                    \(bind: JSONText.encode(role.permissions.wireForm)), \(bind: role.createdAt.millis),
                    \(bind: role.updatedAt.millis), \(bind: role.createdBy), \(bind: role.createdBy), 1)
            RETURNING id
            """).first()
        return try row!.decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Role? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM roles WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func find(key: String, on db: any SQLDatabase) async throws -> Role? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM roles WHERE key = \(bind: key)").first().map(Self.decode)
    }

    public func findByName(_ name: String, on db: any SQLDatabase) async throws -> Role? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM roles WHERE name_key = \(bind: Self.nameKey(name))")
            .first().map(Self.decode)
    }

    public func list(page: PageRequest, on db: any SQLDatabase) async throws -> Page<Role> {
        let keyset = Keyset(column: .init(sql: "id", numeric: true), idColumn: "id", descending: false, page: page)
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM roles \(whereClause([try keyset.afterCursor()].compactMap { $0 }))
            \(keyset.orderBy) LIMIT \(literal: keyset.fetchLimit)
            """).all().map(Self.decode)
        return keyset.finish(rows, sortValue: { String($0.id) }, id: \.id)
    }

    /// Saves name, description and permissions when `expectedVersion` is still current.
    /// - Returns: the new version, or nil when the stored version differs.
    public func update(_ role: Role, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE roles SET name = \(bind: role.name), name_key = \(bind: Self.nameKey(role.name)), description = \(bind: role.description),
                permissions = \(bind: JSONText.encode(role.permissions.wireForm)),
                updated_at = \(bind: role.updatedAt.millis), version = version + 1
            WHERE id = \(bind: role.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first().map { try $0.decode(column: "version", as: Int64.self) }
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM roles WHERE id = \(bind: id)").run()
    }

    public func userCount(roleID: Int64, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM users WHERE role_id = \(bind: roleID)").first()!
            .decode(column: "n", as: Int.self)
    }

    /// The name as uniqueness sees it: Unicode lower case, so «Дизайнеры» and «дизайнеры»
    /// are the same role on both databases (SQLite's `lower()` folds ASCII only).
    static func nameKey(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func decode(_ row: any SQLRow) throws -> Role {
        let permissions = try PermissionCache.shared.matrix(row.decode(column: "permissions", as: String.self))
        return Role(
            id: try row.decode(column: "id", as: Int64.self),
            key: try row.decode(column: "key", as: String?.self),
            name: try row.decode(column: "name", as: String.self),
            description: try row.decode(column: "description", as: String?.self),
            permissions: permissions,
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self),
            version: try row.decode(column: "version", as: Int64.self)
        )
    }
}
