import Foundation
import RapportDomain
import SQLKit

/// The single row of company settings.
public struct SettingsStore: Sendable {
    public init() {}

    static let memoKey = "company_settings"

    /// The settings, or nil before the first administrator set them up; read once per transaction.
    public func get(on db: any SQLDatabase) async throws -> CompanySettings? {
        try await TransactionMemo.read(Self.memoKey) { try await read(on: db) }
    }

    func read(on db: any SQLDatabase) async throws -> CompanySettings? {
        try await db.raw("""
            SELECT name, time_zone, currency, locale, requisites, updated_at, version FROM company_settings WHERE id = 1
            """).first().map {
            var settings = CompanySettings(
                name: try $0.decode(column: "name", as: String.self),
                timeZone: try $0.decode(column: "time_zone", as: String.self),
                currency: try $0.decode(column: "currency", as: String.self),
                locale: AppLocale(rawValue: try $0.decode(column: "locale", as: String.self)) ?? .en,
                updatedAt: Date(millis: try $0.decode(column: "updated_at", as: Int64.self)),
                version: try $0.decode(column: "version", as: Int64.self)
            )
            settings.requisites = try JSONText.decode(CompanyRequisites.self, try $0.decode(column: "requisites", as: String.self))
            return settings
        }
    }

    public func insert(_ settings: CompanySettings, on db: any SQLDatabase) async throws {
        TransactionMemo.current?.forget(Self.memoKey)
        try await db.raw("""
            INSERT INTO company_settings (id, name, time_zone, currency, locale, requisites, updated_at, version)
            VALUES (1, \(bind: settings.name), \(bind: settings.timeZone), \(bind: settings.currency),
                    \(bind: settings.locale.rawValue), \(bind: JSONText.encode(settings.requisites)), \(bind: settings.updatedAt.millis), 1)
            """).run()
    }

    /// - Returns: the new version, or nil when `expectedVersion` is no longer current.
    public func update(_ settings: CompanySettings, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        TransactionMemo.current?.forget(Self.memoKey)
        return try await db.raw("""
            UPDATE company_settings SET name = \(bind: settings.name), time_zone = \(bind: settings.timeZone),
                currency = \(bind: settings.currency), locale = \(bind: settings.locale.rawValue),
                requisites = \(bind: JSONText.encode(settings.requisites)), updated_at = \(bind: settings.updatedAt.millis), version = version + 1
            WHERE id = 1 AND version = \(bind: expectedVersion)
            RETURNING version
            """).first().map { try $0.decode(column: "version", as: Int64.self) }
    }
}
