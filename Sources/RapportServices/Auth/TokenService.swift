import Foundation
import RapportDomain
import RapportStore

/// Personal API tokens: shown once, stored hashed, revocable.
public struct TokenService: Sendable {
    /// Every token starts with this, so a leaked one is recognisable in logs and scanners.
    public static let prefix = "rpt_"

    let env: ServiceEnvironment
    let tokens = TokenStore()
    let users = UserStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A token just made: the record and the secret, which is never shown again.
    public struct Issued: Sendable {
        public var token: APIToken
        public var secret: String
    }

    /// Makes a token for `userID` (the principal's own unless they may update all users).
    public func create(name rawName: String?, expiresInDays: Int?, for userID: Int64, by principal: Principal?)
        async throws -> Issued
    {
        var validator = Validator()
        let name = validator.requireText(rawName, field: "name", maxLength: 100)
        if let days = expiresInDays, !(1...3650).contains(days) {
            validator.add("expires_in_days", "out_of_range", "expires_in_days must be between 1 and 3650")
        }
        try validator.throwIfInvalid()
        if let principal, principal.userID != userID, principal.scope(.user, .update) != .all {
            throw RapportError.notFound(entity: "user")
        }
        let secret = Self.prefix + SecretGenerator.token()
        let now = env.clock.now()
        let expires = expiresInDays.map { now.addingTimeInterval(Double($0) * 86400) }
        let token = try await env.database.transaction { db -> APIToken in
            guard let user = try await self.users.find(id: userID, on: db), user.isActive else {
                throw RapportError.notFound(entity: "user")
            }
            let display = String(secret.prefix(Self.prefix.count + 6))
            let id = try await self.tokens.insert(userID: userID, name: name, hash: SecretGenerator.hash(secret),
                                                  prefix: display, createdAt: now, expiresAt: expires, on: db)
            try await self.events.record("api_token", id, .tokenCreated,
                                         changes: [FieldChange(field: "name", old: nil, new: name),
                                                   FieldChange(field: "user_id", old: nil, new: String(userID))],
                                         by: principal?.userID, on: db)
            return APIToken(id: id, userID: userID, name: name, prefix: display, createdAt: now, lastUsedAt: nil,
                            expiresAt: expires, revokedAt: nil)
        }
        return Issued(token: token, secret: secret)
    }

    /// The principal's tokens, or everyone's for the command line (`principal` nil).
    public func list(page: PageRequest, by principal: Principal?) async throws -> Page<APIToken> {
        try await env.database.read { db in try await self.tokens.list(userID: principal?.userID, page: page, on: db) }
    }

    /// Revokes a token; a user revokes their own, an administrator anyone's.
    public func revoke(_ id: Int64, by principal: Principal?) async throws -> APIToken {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard var token = try await self.tokens.find(id: id, on: db) else {
                throw RapportError.notFound(entity: "api_token")
            }
            if let principal, token.userID != principal.userID, principal.scope(.user, .update) != .all {
                throw RapportError.notFound(entity: "api_token")
            }
            guard token.revokedAt == nil else { return token }
            try await self.tokens.revoke(id: id, at: now, on: db)
            token.revokedAt = now
            try await self.events.record("api_token", id, .tokenRevoked, changes: [], by: principal?.userID, on: db)
            return token
        }
    }
}
