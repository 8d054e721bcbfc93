import Foundation
import RapportDomain
import SQLKit

/// Personal API tokens, stored as SHA-256 hashes.
public struct TokenStore: Sendable {
    public init() {}

    static let columns = "id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at"

    public func insert(userID: Int64, name: String, hash: String, prefix: String, createdAt: Date, expiresAt: Date?,
                       on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at)
            VALUES (\(bind: userID), \(bind: name), \(bind: hash), \(bind: prefix), \(bind: createdAt.millis),
                    \(bind: expiresAt?.millis))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> APIToken? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM api_tokens WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// Tokens of `userID` (or of everyone when nil), newest first.
    public func list(userID: Int64?, page: PageRequest, on db: any SQLDatabase) async throws -> Page<APIToken> {
        let keyset = Keyset(column: .init(sql: "id", numeric: true), idColumn: "id", descending: true, page: page)
        var conditions: [SQLQueryString] = []
        if let userID { conditions.append("user_id = \(bind: userID)") }
        if let after = try keyset.afterCursor() { conditions.append(after) }
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM api_tokens \(whereClause(conditions))
            \(keyset.orderBy) LIMIT \(literal: keyset.fetchLimit)
            """).all().map(Self.decode)
        return keyset.finish(rows, sortValue: { String($0.id) }, id: \.id)
    }

    /// The active user behind a live token, the token's id, and when it was last used.
    public func authenticate(hash: String, now: Date, on db: any SQLDatabase) async throws
        -> (user: AuthenticatedUser, tokenID: Int64, lastUsedAt: Date?)?
    {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: UserStore.columns), roles.permissions AS role_permissions,
                   api_tokens.id AS token_id, api_tokens.last_used_at AS token_last_used_at
            FROM api_tokens JOIN users ON users.id = api_tokens.user_id JOIN roles ON roles.id = users.role_id
            WHERE api_tokens.token_hash = \(bind: hash) AND api_tokens.revoked_at IS NULL
              AND (api_tokens.expires_at IS NULL OR api_tokens.expires_at > \(bind: now.millis))
              AND users.is_active = \(bind: true)
            """).first() else { return nil }
        return (
            try AuthRow.decode(row),
            try row.decode(column: "token_id", as: Int64.self),
            try row.decode(column: "token_last_used_at", as: Int64?.self).map(Date.init(millis:))
        )
    }

    public func touch(id: Int64, at time: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE api_tokens SET last_used_at = \(bind: time.millis) WHERE id = \(bind: id)").run()
    }

    public func revoke(id: Int64, at time: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE api_tokens SET revoked_at = \(bind: time.millis) WHERE id = \(bind: id) AND revoked_at IS NULL
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> APIToken {
        APIToken(
            id: try row.decode(column: "id", as: Int64.self),
            userID: try row.decode(column: "user_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self),
            prefix: try row.decode(column: "prefix", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Date.init(millis:)),
            expiresAt: try row.decode(column: "expires_at", as: Int64?.self).map(Date.init(millis:)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millis:))
        )
    }
}
