import Foundation
import RapportDomain
import SQLKit

/// Web sessions. Only a hash of the session id is stored, so a leaked database does not
/// hand out live sessions.
public struct SessionStore: Sendable {
    public init() {}

    public func insert(idHash: String, userID: Int64, csrfToken: String, createdAt: Date, expiresAt: Date, ip: String?,
                       userAgent: String?, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at, ip, user_agent)
            VALUES (\(bind: idHash), \(bind: userID), \(bind: csrfToken), \(bind: createdAt.millis),
                    \(bind: expiresAt.millis), \(bind: ip), \(bind: userAgent))
            """).run()
    }

    /// The active user behind a live session, with the session's CSRF token; nil when the
    /// session is unknown, expired, or its user disabled.
    public func authenticate(idHash: String, now: Date, on db: any SQLDatabase) async throws
        -> (user: AuthenticatedUser, csrfToken: String)?
    {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: UserStore.columns), roles.permissions AS role_permissions, sessions.csrf_token
            FROM sessions JOIN users ON users.id = sessions.user_id JOIN roles ON roles.id = users.role_id
            WHERE sessions.id_hash = \(bind: idHash) AND sessions.expires_at > \(bind: now.millis) AND users.is_active = \(bind: true)
            """).first() else { return nil }
        return (try AuthRow.decode(row), try row.decode(column: "csrf_token", as: String.self))
    }

    public func delete(idHash: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM sessions WHERE id_hash = \(bind: idHash)").run()
    }

    /// Ends every session of a user (disabled, or password changed), except `keeping`.
    public func deleteAll(userID: Int64, keeping: String? = nil, on db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM sessions WHERE user_id = \(bind: userID) AND id_hash <> \(bind: keeping ?? "")
            """).run()
    }

    public func deleteExpired(before time: Date, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM sessions WHERE expires_at <= \(bind: time.millis)").run()
    }
}

enum AuthRow {
    static func decode(_ row: any SQLRow) throws -> AuthenticatedUser {
        let permissions = try PermissionCache.shared.matrix(row.decode(column: "role_permissions", as: String.self))
        return AuthenticatedUser(user: try UserStore.decode(row), permissions: permissions)
    }
}
