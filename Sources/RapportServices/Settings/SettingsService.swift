import Foundation
import RapportDomain
import RapportStore

/// Company settings: name, time zone, currency, locale.
public struct SettingsService: Sendable {
    let env: ServiceEnvironment
    let settings = SettingsStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    public struct Input: Sendable, Equatable {
        public var name: String?
        public var timeZone: String?
        public var currency: String?
        public var locale: String?

        public init(name: String? = nil, timeZone: String? = nil, currency: String? = nil, locale: String? = nil) {
            self.name = name; self.timeZone = timeZone; self.currency = currency; self.locale = locale
        }
    }

    /// The settings as stored; readable by anyone signed in with any `settings` read scope.
    public func get(by principal: Principal?) async throws -> CompanySettings {
        if let principal { try Access.requireAny(principal, .read, .settings) }
        return try await current()
    }

    /// The settings without a permission check, for page chrome and formatting.
    public func current() async throws -> CompanySettings {
        let now = env.clock.now()
        return try await env.database.read { db in try await self.settings.get(on: db) }
            ?? CompanySettings(name: "Rapport", timeZone: "UTC", currency: "RUB", locale: .en, updatedAt: now, version: 0)
    }

    public func update(_ input: Input, expectedVersion: Int64?, by principal: Principal?) async throws -> CompanySettings {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let stored = try await self.settings.get(on: db)
            let before = stored ?? CompanySettings(name: "", timeZone: "UTC", currency: "RUB", locale: .en, updatedAt: now,
                                                   version: 0)
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            var validator = Validator()
            if let name = input.name { after.name = validator.requireText(name, field: "name", maxLength: 200) }
            if stored == nil && input.name == nil { validator.add("name", "required", "name is required") }
            if let zone = input.timeZone {
                if TimeZoneName.isValid(zone) { after.timeZone = zone } else {
                    validator.add("time_zone", "invalid", "time_zone must be an IANA zone such as Europe/Moscow")
                }
            }
            if let code = input.currency {
                if Currency.isValid(code.uppercased()) { after.currency = code.uppercased() } else {
                    validator.add("currency", "invalid", "currency must be an ISO 4217 code such as RUB")
                }
            }
            if let raw = input.locale {
                if let locale = AppLocale(rawValue: raw) { after.locale = locale } else {
                    validator.add("locale", "invalid", "locale must be one of en, ru")
                }
            }
            try validator.throwIfInvalid()
            after.updatedAt = now
            if stored == nil {
                try await self.settings.insert(after, on: db)
                after.version = 1
            } else {
                guard let version = try await self.settings.update(after, expectedVersion: before.version, on: db) else {
                    throw RapportError.stale(currentVersion: before.version)
                }
                after.version = version
            }
            var changes = ChangeSet()
            changes.compare("name", before.name, after.name)
            changes.compare("time_zone", before.timeZone, after.timeZone)
            changes.compare("currency", before.currency, after.currency)
            changes.compare("locale", before.locale.rawValue, after.locale.rawValue)
            if !changes.changes.isEmpty {
                try await self.events.record("settings", 1, stored == nil ? .created : .updated,
                                             changes: changes.changes, by: principal?.userID, on: db)
            }
            return after
        }
    }
}
