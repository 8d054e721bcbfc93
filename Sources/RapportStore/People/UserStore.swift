import Foundation
import RapportDomain
import SQLKit

/// Users and their credentials.
public struct UserStore: Sendable {
    public init() {}

    static let columns = """
        users.id, users.email, users.first_name, users.last_name, users.middle_name, users.phone, users.phone_e164,
        users.position, users.department_id, users.role_id, users.time_zone, users.locale, users.working_status,
        users.working_hours, users.skills, users.regions, users.is_active, users.last_login_at, users.created_at,
        users.updated_at, users.created_by, users.version
        """

    public func insert(_ user: User, passwordHash: String, on db: any SQLDatabase) async throws -> Int64 {
        let row = try await db.raw("""
            INSERT INTO users (email, password_hash, first_name, last_name, middle_name, phone, phone_e164, position,
                department_id, role_id, time_zone, locale, working_status, working_hours, skills, regions, is_active,
                created_at, updated_at, created_by, version)
            VALUES (\(bind: user.email), \(bind: passwordHash), \(bind: user.firstName), \(bind: user.lastName),
                \(bind: user.middleName), \(bind: user.phone), \(bind: user.phoneE164), \(bind: user.position),
                \(bind: user.departmentID), \(bind: user.roleID), \(bind: user.timeZone), \(bind: user.locale.rawValue),
                \(bind: user.workingStatus.rawValue), \(bind: user.workingHours), \(bind: JSONText.encode(user.skills)),
                \(bind: JSONText.encode(user.regions)), \(bind: user.isActive), \(bind: user.createdAt.millis),
                \(bind: user.updatedAt.millis), \(bind: user.createdBy), 1)
            RETURNING id
            """).first()
        let id = try row!.decode(column: "id", as: Int64.self)
        // A user is responsible for their own record: "own" scope on users means oneself.
        try await db.raw("UPDATE users SET owner_id = \(bind: id) WHERE id = \(bind: id)").run()
        return id
    }

    /// The active users of a built-in role (by its key), by id.
    public func active(roleKey: String, on db: any SQLDatabase) async throws -> [User] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM users JOIN roles ON roles.id = users.role_id
            WHERE roles.key = \(bind: roleKey) AND users.is_active ORDER BY users.id
            """).all().map(Self.decode)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> User? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func find(ids: [Int64], on db: any SQLDatabase) async throws -> [User] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE id IN (\(binds: ids))").all().map(Self.decode)
    }

    /// The user with this (normalised) e-mail or phone (E.164).
    public func find(email: String? = nil, phone: String? = nil, on db: any SQLDatabase) async throws -> User? {
        if let email {
            return try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE email = \(bind: email)").first().map(Self.decode)
        }
        guard let phone else { return nil }
        return try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM users WHERE phone_e164 = \(bind: phone) ORDER BY id LIMIT 1")
            .first().map(Self.decode)
    }

    /// The user with this (normalised) e-mail and their password hash.
    public func credentials(email: String, on db: any SQLDatabase) async throws -> (user: User, passwordHash: String)? {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns), users.password_hash FROM users WHERE users.email = \(bind: email)
            """).first() else { return nil }
        return (try Self.decode(row), try row.decode(column: "password_hash", as: String.self))
    }

    public func passwordHash(id: Int64, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT password_hash FROM users WHERE id = \(bind: id)").first()
            .map { try $0.decode(column: "password_hash", as: String.self) }
    }

    public func emailTaken(_ email: String, exceptID: Int64? = nil, on db: any SQLDatabase) async throws -> Bool {
        let row = try await db.raw("""
            SELECT COUNT(*) AS n FROM users WHERE email = \(bind: email) AND id <> \(bind: exceptID ?? 0)
            """).first()!
        return try row.decode(column: "n", as: Int.self) > 0
    }

    public func count(on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM users").first()!.decode(column: "n", as: Int.self)
    }

    /// How many active users within `scope` there are, counted up to `cap`.
    public func activeCount(scope: PermissionScope, subject: AccessSubject, cap: Int, on db: any SQLDatabase) async throws
        -> Int
    {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM users
                WHERE \(ScopeFilter.condition(scope, subject: subject, ownerColumn: "users.id")) AND users.is_active = \(bind: true)
                LIMIT \(literal: cap)) counted
            """).first()!.decode(column: "n", as: Int.self)
    }

    /// A page of users that `scope` lets `subject` read, filtered and ordered by `query`.
    public func list(_ query: UserQuery, scope: PermissionScope, subject: AccessSubject, page: PageRequest,
                     on db: any SQLDatabase) async throws -> Page<User> {
        let column: Keyset.Column = switch query.sort {
        case .id: .init(sql: "users.id", numeric: true)
        case .lastName: .init(sql: "users.last_name", numeric: false)
        case .email: .init(sql: "users.email", numeric: false)
        case .createdAt: .init(sql: "users.created_at", numeric: true)
        }
        let keyset = Keyset(column: column, idColumn: "users.id", descending: query.descending, page: page)
        var conditions: [SQLQueryString] = [ScopeFilter.condition(scope, subject: subject, ownerColumn: "users.id")]
        if let search = query.search?.lowercased(), !search.isEmpty {
            let prefix = LikePattern.prefix(search)
            conditions.append("""
                (lower(users.first_name) LIKE \(bind: prefix) ESCAPE '\\' OR lower(users.last_name) LIKE \(bind: prefix) ESCAPE '\\'
                 OR users.email LIKE \(bind: prefix) ESCAPE '\\')
                """)
        }
        if let id = query.departmentID { conditions.append("users.department_id = \(bind: id)") }
        if let id = query.roleID { conditions.append("users.role_id = \(bind: id)") }
        if let active = query.isActive { conditions.append("users.is_active = \(bind: active)") }
        if let status = query.workingStatus { conditions.append("users.working_status = \(bind: status.rawValue)") }
        if let after = try keyset.afterCursor() { conditions.append(after) }
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM users \(whereClause(conditions))
            \(keyset.orderBy) LIMIT \(literal: keyset.fetchLimit)
            """).all().map(Self.decode)
        return keyset.finish(rows, sortValue: { user in
            switch query.sort {
            case .id: String(user.id)
            case .lastName: user.lastName
            case .email: user.email
            case .createdAt: String(user.createdAt.millis)
            }
        }, id: \.id)
    }

    /// Saves every editable attribute when `expectedVersion` is still current.
    /// - Returns: the new version, or nil when the stored version differs.
    public func update(_ user: User, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE users SET email = \(bind: user.email), first_name = \(bind: user.firstName),
                last_name = \(bind: user.lastName), middle_name = \(bind: user.middleName), phone = \(bind: user.phone),
                phone_e164 = \(bind: user.phoneE164), position = \(bind: user.position),
                department_id = \(bind: user.departmentID), role_id = \(bind: user.roleID),
                time_zone = \(bind: user.timeZone), locale = \(bind: user.locale.rawValue),
                working_status = \(bind: user.workingStatus.rawValue), working_hours = \(bind: user.workingHours),
                skills = \(bind: JSONText.encode(user.skills)), regions = \(bind: JSONText.encode(user.regions)),
                is_active = \(bind: user.isActive), updated_at = \(bind: user.updatedAt.millis), version = version + 1
            WHERE id = \(bind: user.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first().map { try $0.decode(column: "version", as: Int64.self) }
    }

    public func setPasswordHash(_ hash: String, userID: Int64, at time: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: time.millis), version = version + 1
            WHERE id = \(bind: userID)
            """).run()
    }

    public func recordLogin(userID: Int64, at time: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE users SET last_login_at = \(bind: time.millis) WHERE id = \(bind: userID)").run()
    }

    static func decode(_ row: any SQLRow) throws -> User {
        User(
            id: try row.decode(column: "id", as: Int64.self),
            email: try row.decode(column: "email", as: String.self),
            firstName: try row.decode(column: "first_name", as: String.self),
            lastName: try row.decode(column: "last_name", as: String.self),
            middleName: try row.decode(column: "middle_name", as: String?.self),
            phone: try row.decode(column: "phone", as: String?.self),
            phoneE164: try row.decode(column: "phone_e164", as: String?.self),
            position: try row.decode(column: "position", as: String?.self),
            departmentID: try row.decode(column: "department_id", as: Int64?.self),
            roleID: try row.decode(column: "role_id", as: Int64.self),
            timeZone: try row.decode(column: "time_zone", as: String.self),
            locale: AppLocale(rawValue: try row.decode(column: "locale", as: String.self)) ?? .en,
            workingStatus: WorkingStatus(rawValue: try row.decode(column: "working_status", as: String.self)) ?? .available,
            workingHours: try row.decode(column: "working_hours", as: String?.self),
            skills: try JSONText.strings(row.decode(column: "skills", as: String.self)),
            regions: try JSONText.strings(row.decode(column: "regions", as: String.self)),
            isActive: try row.decode(column: "is_active", as: Bool.self),
            lastLoginAt: try row.decode(column: "last_login_at", as: Int64?.self).map(Date.init(millis:)),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self),
            version: try row.decode(column: "version", as: Int64.self)
        )
    }
}
