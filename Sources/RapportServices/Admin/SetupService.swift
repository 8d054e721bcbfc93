import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// First run: the built-in roles, and the one-time creation of the first administrator.
public struct SetupService: Sendable {
    let env: ServiceEnvironment
    let users = UserStore()
    let roles = RoleStore()
    let settings = SettingsStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// True while nobody can sign in yet: the first-administrator page is open only then.
    public func needsFirstAdministrator() async throws -> Bool {
        try await env.database.read { db in try await self.users.count(on: db) } == 0
    }

    /// Creates any built-in role that is missing (safe to run at every start).
    public func ensureBuiltInRoles() async throws {
        let now = env.clock.now()
        try await env.database.transaction { db in
            try await self.ensureBuiltInRoles(now: now, on: db)
        }
    }

    func ensureBuiltInRoles(now: Date, on db: any SQLDatabase) async throws {
        for builtIn in BuiltInRole.allCases where try await roles.find(key: builtIn.rawValue, on: db) == nil {
            var name = builtIn.defaultName
            if try await roles.findByName(name, on: db) != nil { name += " (built-in)" }
            let role = Role(id: 0, key: builtIn.rawValue, name: name, description: nil,
                            permissions: builtIn.defaultPermissions, createdAt: now, updatedAt: now, createdBy: nil,
                            version: 1)
            let id = try await roles.insert(role, on: db)
            try await events.record("role", id, .created, changes: [FieldChange(field: "name", old: nil, new: name)],
                                    by: nil, on: db)
        }
    }

    /// Renames the built-in roles nobody has changed yet (still at version 1) to their names
    /// in `locale`, once the company has chosen its language.
    func localizeBuiltInRoles(_ locale: AppLocale, now: Date, on db: any SQLDatabase) async throws {
        for builtIn in BuiltInRole.allCases {
            guard var role = try await roles.find(key: builtIn.rawValue, on: db), role.version == 1 else { continue }
            let name = builtIn.defaultName(locale)
            guard role.name != name, try await roles.findByName(name, on: db) == nil else { continue }
            let old = role.name
            role.name = name
            role.updatedAt = now
            _ = try await roles.update(role, expectedVersion: 1, on: db)
            try await events.record("role", role.id, .updated, changes: [FieldChange(field: "name", old: old, new: name)],
                                    by: nil, on: db)
        }
    }

    /// What the first-administrator page asks for.
    public struct FirstAdministrator: Sendable, Equatable {
        public var companyName: String?
        public var timeZone: String?
        public var currency: String?
        public var locale: String?
        public var user: UserInput

        public init(companyName: String?, timeZone: String?, currency: String?, locale: String?, user: UserInput) {
            self.companyName = companyName; self.timeZone = timeZone; self.currency = currency
            self.locale = locale; self.user = user
        }
    }

    /// Creates the company settings and the first administrator in one transaction.
    /// - Throws: `conflict` once any user exists (the page is one-time), validation errors
    ///   naming the fields.
    public func createFirstAdministrator(_ input: FirstAdministrator) async throws -> User {
        var validator = Validator()
        let companyName = validator.requireText(input.companyName, field: "company_name", maxLength: 200)
        let zone = input.timeZone ?? "Europe/Moscow"
        if !TimeZoneName.isValid(zone) { validator.add("time_zone", "invalid", "time_zone must be an IANA zone") }
        let currency = (input.currency ?? "RUB").uppercased()
        if !Currency.isValid(currency) { validator.add("currency", "invalid", "currency must be an ISO 4217 code") }
        let locale = AppLocale(rawValue: input.locale ?? "en")
        if locale == nil { validator.add("locale", "invalid", "locale must be one of en, ru") }
        var userInput = input.user
        userInput.roleID = -1  // replaced by the administrator role below
        userInput.timeZone = userInput.timeZone ?? zone
        userInput.locale = userInput.locale ?? locale?.rawValue
        let userService = UserService(env: env)
        let prepared: (draft: User, passwordHash: String)
        do {
            prepared = try await userService.prepare(userInput, createdBy: nil)
        } catch RapportError.validation(let errors) {
            throw RapportError.validation(validator.errors + errors)
        }
        try validator.throwIfInvalid()
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard try await self.users.count(on: db) == 0 else {
                throw RapportError.conflict("Rapport already has users; sign in instead")
            }
            try await self.ensureBuiltInRoles(now: now, on: db)
            guard let admin = try await self.roles.find(key: BuiltInRole.administrator.rawValue, on: db) else {
                throw RapportError.conflict("the administrator role is missing")
            }
            let settings = CompanySettings(name: companyName, timeZone: zone, currency: currency, locale: locale ?? .en,
                                           updatedAt: now, version: 1)
            if try await self.settings.get(on: db) == nil { try await self.settings.insert(settings, on: db) }
            try await self.localizeBuiltInRoles(settings.locale, now: now, on: db)
            var draft = prepared.draft
            draft.roleID = admin.id
            return try await userService.insert(draft, passwordHash: prepared.passwordHash, by: nil, on: db)
        }
    }
}
