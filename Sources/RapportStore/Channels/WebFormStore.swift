import Foundation
import RapportDomain
import SQLKit

/// The web forms.
public struct WebFormStore: Sendable {
    public init() {}

    static let columns = "id, name, slug, secret, fields, thank_you, source, active, version"

    public func list(on db: any SQLDatabase) async throws -> [WebForm] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM web_forms ORDER BY id").all().map(Self.decode)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> WebForm? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM web_forms WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func find(slug: String, on db: any SQLDatabase) async throws -> WebForm? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM web_forms WHERE slug = \(bind: slug)").first().map(Self.decode)
    }

    public func insert(_ f: WebForm, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO web_forms (name, slug, secret, fields, thank_you, source, active, created_at, updated_at, version)
            VALUES (\(bind: f.name), \(bind: f.slug), \(bind: f.secret), \(bind: JSONText.encode(f.fields)), \(bind: f.thankYou),
                \(bind: f.source), \(bind: f.active), \(bind: now.millis), \(bind: now.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func update(_ f: WebForm, expectedVersion: Int64, now: Date, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE web_forms SET name = \(bind: f.name), fields = \(bind: JSONText.encode(f.fields)), thank_you = \(bind: f.thankYou),
                source = \(bind: f.source), active = \(bind: f.active), updated_at = \(bind: now.millis), version = version + 1
            WHERE id = \(bind: f.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    static func decode(_ row: any SQLRow) throws -> WebForm {
        WebForm(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                slug: try row.decode(column: "slug", as: String.self), secret: try row.decode(column: "secret", as: String.self),
                fields: try JSONText.decode([WebForm.Field].self, try row.decode(column: "fields", as: String.self)),
                thankYou: try row.decode(column: "thank_you", as: String.self), source: try row.decode(column: "source", as: String.self),
                active: try row.decode(column: "active", as: Bool.self), version: try row.decode(column: "version", as: Int64.self))
    }
}

/// What outside systems sent, by their own ids: a repeat is answered with what the first made.
public struct InboundRequestStore: Sendable {
    public init() {}

    public func find(integrationID: Int64, externalID: String, on db: any SQLDatabase) async throws -> WorkTask.Link? {
        guard let row = try await db.raw("""
            SELECT link_entity, link_id FROM inbound_requests
            WHERE integration_id = \(bind: integrationID) AND external_id = \(bind: externalID)
            """).first() else { return nil }
        return WorkTask.Link(entity: try row.decode(column: "link_entity", as: String.self), id: try row.decode(column: "link_id", as: Int64.self))
    }

    public func insert(integrationID: Int64, externalID: String, link: WorkTask.Link, at: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO inbound_requests (integration_id, external_id, link_entity, link_id, received_at)
            VALUES (\(bind: integrationID), \(bind: externalID), \(bind: link.entity), \(bind: link.id), \(bind: at.millis))
            """).run()
    }
}
