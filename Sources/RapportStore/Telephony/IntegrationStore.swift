import Foundation
import RapportDomain
import SQLKit

/// The integrations and their secrets.
public struct IntegrationStore: Sendable {
    public init() {}

    static let columns = "id, kind, name, secret, settings, active, created_at, updated_at, version"

    public func list(on db: any SQLDatabase) async throws -> [Integration] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM integrations ORDER BY id").all().map(Self.decode)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Integration? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM integrations WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func insert(_ i: Integration, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO integrations (kind, name, secret, settings, active, created_at, updated_at, version)
            VALUES (\(bind: i.kind.rawValue), \(bind: i.name), \(bind: i.secret), \(bind: JSONText.encode(i.settings)),
                \(bind: i.active), \(bind: i.createdAt.millis), \(bind: i.updatedAt.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    /// Saves name, secret, settings and the active flag when the version is still `expectedVersion`.
    public func update(_ i: Integration, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE integrations SET name = \(bind: i.name), secret = \(bind: i.secret), settings = \(bind: JSONText.encode(i.settings)),
                active = \(bind: i.active), updated_at = \(bind: i.updatedAt.millis), version = version + 1
            WHERE id = \(bind: i.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    static func decode(_ row: any SQLRow) throws -> Integration {
        Integration(id: try row.decode(column: "id", as: Int64.self),
                    kind: Integration.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .telephony,
                    name: try row.decode(column: "name", as: String.self), secret: try row.decode(column: "secret", as: String.self),
                    settings: try JSONText.decode(Integration.Settings.self, try row.decode(column: "settings", as: String.self)),
                    active: try row.decode(column: "active", as: Bool.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                    version: try row.decode(column: "version", as: Int64.self))
    }
}
