import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Signing in and out, sessions, and turning a session or token into a `Principal`.
public struct AuthService: Sendable {
    public static let sessionLifetime: TimeInterval = 14 * 24 * 3600

    let env: ServiceEnvironment
    /// Per account: a guessing attack on one person.
    let throttle: LoginThrottle
    /// Per address: a spray over many accounts. Looser, since many people may share an
    /// address (an office, a proxy).
    let addressThrottle: LoginThrottle
    let users = UserStore()
    let sessions = SessionStore()
    let tokens = TokenStore()
    let throttles = LoginThrottleStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment, throttle: LoginThrottle = LoginThrottle(),
                addressThrottle: LoginThrottle = LoginThrottle(maxFailures: 20)) {
        self.env = env
        self.throttle = throttle
        self.addressThrottle = addressThrottle
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A new web session: the cookie value (shown once) and its CSRF token.
    public struct NewSession: Sendable {
        public var cookieValue: String
        public var csrfToken: String
        public var expiresAt: Date
        public var user: User
    }

    /// Checks the password and opens a session.
    /// - Throws: `rateLimited` when the account or the address is locked out;
    ///   `unauthenticated` for an unknown e-mail or a wrong password (the same answer for both);
    ///   `forbidden` for a disabled account whose password was right.
    public func login(email rawEmail: String, password: String, ip: String?, userAgent: String?) async throws -> NewSession {
        let email = Email.normalize(rawEmail) ?? rawEmail.lowercased()
        let keys = ["account:\(email)"] + (ip.map { ["address:\($0)"] } ?? [])
        let now = env.clock.now()
        let states = try await env.database.read { db in
            try await keys.asyncMap { try await self.throttles.state(key: $0, on: db) }
        }
        if let wait = zip(keys, states).compactMap({ rule(for: $0.0).retryAfter($0.1, now: now) }).max() {
            throw RapportError.rateLimited(retryAfterSeconds: wait)
        }
        let found = try await env.database.read { db in try await self.users.credentials(email: email, on: db) }
        let matches = try await env.hasher.verify(password, hashOrDecoy: found?.passwordHash)
        guard let found, matches else {
            try await recordFailure(keys: keys, now: now)
            throw RapportError.unauthenticated
        }
        guard found.user.isActive else { throw RapportError.forbidden }
        let cookie = SecretGenerator.token()
        let csrf = SecretGenerator.token()
        let expires = now.addingTimeInterval(Self.sessionLifetime)
        try await env.database.transaction { db in
            for key in keys { try await self.throttles.clear(key: key, on: db) }
            try await self.sessions.insert(
                idHash: SecretGenerator.hash(cookie), userID: found.user.id, csrfToken: csrf, createdAt: now,
                expiresAt: expires, ip: ip, userAgent: userAgent.map { String($0.prefix(300)) }, on: db)
            try await self.users.recordLogin(userID: found.user.id, at: now, on: db)
            try await self.events.record("user", found.user.id, .loggedIn, by: found.user.id, on: db)
        }
        return NewSession(cookieValue: cookie, csrfToken: csrf, expiresAt: expires, user: found.user)
    }

    private func rule(for key: String) -> LoginThrottle {
        key.hasPrefix("address:") ? addressThrottle : throttle
    }

    private func recordFailure(keys: [String], now: Date) async throws {
        try await env.database.transaction { db in
            for key in keys {
                let next = self.rule(for: key).failed(try await self.throttles.state(key: key, on: db), now: now)
                try await self.throttles.save(key: key, state: next, on: db)
            }
        }
    }

    /// Ends the session behind `cookieValue` (a no-op when it is already gone).
    public func logout(cookieValue: String, principal: Principal?) async throws {
        try await env.database.transaction { db in
            try await self.sessions.delete(idHash: SecretGenerator.hash(cookieValue), on: db)
            if let principal {
                try await self.events.record("user", principal.userID, .loggedOut, by: principal.userID, on: db)
            }
        }
    }

    /// The principal behind a session cookie, or nil when it is unknown, expired or forged,
    /// or its user is disabled.
    public func principal(sessionCookie: String) async throws -> Principal? {
        guard sessionCookie.count <= 128 else { return nil }
        let now = env.clock.now()
        let key = "s:" + SecretGenerator.hash(sessionCookie)
        let (cached, generation) = env.authCache.principal(for: key, now: now)
        if let cached { return cached }
        guard let found = try await env.database.read({ db in
            try await self.sessions.authenticate(idHash: SecretGenerator.hash(sessionCookie), now: now, on: db)
        }) else { return nil }
        let principal = try await principal(found.user, via: .session(csrfToken: found.csrfToken))
        env.authCache.remember(principal, for: key, now: now, generation: generation)
        return principal
    }

    /// The principal behind a personal API token, or nil when it is unknown, revoked or expired.
    public func principal(bearerToken: String) async throws -> Principal? {
        guard bearerToken.count <= 128 else { return nil }
        let now = env.clock.now()
        let hash = SecretGenerator.hash(bearerToken)
        let (cached, generation) = env.authCache.principal(for: "t:" + hash, now: now)
        if let cached { return cached }
        guard let found = try await env.database.read({ db in
            try await self.tokens.authenticate(hash: hash, now: now, on: db)
        }) else { return nil }
        // Record use at most every five minutes, so reads do not turn into writes.
        if found.lastUsedAt.map({ now.timeIntervalSince($0) > 300 }) ?? true {
            try await env.database.transaction { db in try await self.tokens.touch(id: found.tokenID, at: now, on: db) }
        }
        let principal = try await principal(found.user, via: .token(id: found.tokenID))
        env.authCache.remember(principal, for: "t:" + hash, now: now, generation: generation)
        return principal
    }

    /// The principal for a user acting from the command line.
    public func consolePrincipal(userID: Int64) async throws -> Principal {
        let found = try await env.database.read { db -> AuthenticatedUser? in
            guard let user = try await self.users.find(id: userID, on: db),
                  let role = try await RoleStore().find(id: user.roleID, on: db) else { return nil }
            return AuthenticatedUser(user: user, permissions: role.permissions)
        }
        guard let found else { throw RapportError.notFound(entity: "user") }
        return try await principal(found, via: .console)
    }

    func principal(_ found: AuthenticatedUser, via: Principal.Via) async throws -> Principal {
        let subject = try await env.database.read { db in
            try await Self.subject(found.user, permissions: found.permissions, on: db)
        }
        return Principal(user: found.user, subject: subject, via: via)
    }

    /// What a person may do, as access checks ask it: their role's rights, their department
    /// and, when a right reaches the department tree, the departments below it.
    static func subject(_ user: User, permissions: PermissionMatrix, on db: any SQLDatabase) async throws -> AccessSubject {
        var subtree: Set<Int64> = []
        if let department = user.departmentID, permissions.needsDepartmentTree {
            subtree = try await DepartmentStore().tree(on: db).subtree(of: department)
        }
        return AccessSubject(userID: user.id, departmentID: user.departmentID, departmentSubtree: subtree,
                             permissions: permissions)
    }

    /// Rapport itself writing in user `id`'s name (a call or a form logged on the client's
    /// card for its responsible): what it writes is not limited by that user's role.
    static func system(actingFor id: Int64, on db: any SQLDatabase) async throws -> Principal? {
        guard let user = try await UserStore().find(id: id, on: db) else { return nil }
        return Principal(user: user, subject: AccessSubject(userID: id, departmentID: user.departmentID, departmentSubtree: [],
                                                            permissions: .uniform(.all)), via: .console)
    }

    /// The access subject of user `id`, read in the caller's transaction; nil for no such user.
    static func subject(userID id: Int64, on db: any SQLDatabase) async throws -> AccessSubject? {
        guard let user = try await UserStore().find(id: id, on: db),
              let role = try await RoleStore().find(id: user.roleID, on: db) else { return nil }
        return try await subject(user, permissions: role.permissions, on: db)
    }

    /// Changes the principal's own password after checking the current one; ends their other
    /// sessions.
    public func changePassword(_ principal: Principal, current: String, new: String, keepingSession cookie: String?)
        async throws
    {
        var validator = Validator()
        PasswordPolicy.check(new, field: "new_password", into: &validator)
        try validator.throwIfInvalid()
        let stored = try await env.database.read { db in try await self.users.passwordHash(id: principal.userID, on: db) }
        guard let stored, try await env.hasher.verify(current, hash: stored) else {
            throw RapportError.invalid("current_password", "wrong", "the current password is wrong")
        }
        let hash = try await env.hasher.hash(new)
        let now = env.clock.now()
        try await env.database.transaction { db in
            try await self.users.setPasswordHash(hash, userID: principal.userID, at: now, on: db)
            try await self.sessions.deleteAll(
                userID: principal.userID, keeping: cookie.map(SecretGenerator.hash), on: db)
            var changes = ChangeSet()
            changes.redacted("password")
            try await self.events.record("user", principal.userID, .passwordChanged, changes: changes.changes,
                                         by: principal.userID, on: db)
        }
    }
}

extension Array {
    /// `map` with an async transform, one element after another.
    public func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        out.reserveCapacity(count)
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
