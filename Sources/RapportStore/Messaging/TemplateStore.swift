import Foundation
import RapportDomain
import SQLKit

/// Message templates with their current version; every version kept.
public struct TemplateStore: Sendable {
    public init() {}

    static let columns = """
        t.id, t.kind, t.code, t.name, t.subject AS record_kind, t.locale, t.active, t.created_at, t.updated_at, t.version,
        v.id AS version_id, v.number, v.subject, v.html, v.text, v.created_at AS version_created_at, v.created_by
        """
    static let from = "message_templates t JOIN message_template_versions v ON v.id = t.current_version_id"

    public func list(on db: any SQLDatabase) async throws -> [MessageTemplate] {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) ORDER BY t.name, t.locale, t.id")
            .all().map(Self.decode)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> MessageTemplate? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from) WHERE t.id = \(bind: id)").first().map(Self.decode)
    }

    /// The active template of this kind and code in `locale`, else in any language.
    public func find(kind: MessageTemplate.Kind, code: String, locale: AppLocale, on db: any SQLDatabase) async throws -> MessageTemplate? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM \(unsafeRaw: Self.from)
            WHERE t.kind = \(bind: kind.rawValue) AND t.code = \(bind: code) AND t.active ORDER BY CASE WHEN t.locale = \(bind: locale.rawValue) THEN 0 ELSE 1 END, t.id
            LIMIT 1
            """).first().map(Self.decode)
    }

    /// Whether another template of the kind has the code in the language (an e-mail and a
    /// document may share one: the proposal's e-mail goes with the proposal's PDF).
    public func codeTaken(_ code: String, kind: MessageTemplate.Kind, locale: AppLocale, except id: Int64?, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT 1 AS x FROM message_templates WHERE kind = \(bind: kind.rawValue) AND code = \(bind: code) AND locale = \(bind: locale.rawValue)
                AND id <> \(bind: id ?? 0)
            """).first() != nil
    }

    /// A new template with its first version.
    public func insert(_ t: MessageTemplate, on db: any SQLDatabase) async throws -> MessageTemplate {
        let id = try await db.raw("""
            INSERT INTO message_templates (kind, code, name, subject, locale, active, created_at, updated_at, version)
            VALUES (\(bind: t.kind.rawValue), \(bind: t.code), \(bind: t.name), \(bind: t.subject.rawValue), \(bind: t.locale.rawValue),
                \(bind: t.active), \(bind: t.createdAt.millis), \(bind: t.updatedAt.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        var saved = t
        saved.id = id
        saved.current = try await addVersion(t.current, number: 1, templateID: id, on: db)
        try await db.raw("UPDATE message_templates SET current_version_id = \(bind: saved.current.id) WHERE id = \(bind: id)").run()
        return saved
    }

    /// Saves the template's settings and, when its texts changed, a new version; nil when
    /// `expectedVersion` is no longer current.
    public func update(_ t: MessageTemplate, newTexts: Bool, expectedVersion: Int64, on db: any SQLDatabase) async throws
        -> MessageTemplate?
    {
        var saved = t
        if newTexts {
            let next = try await db.raw("""
                SELECT COALESCE(MAX(number), 0) + 1 AS n FROM message_template_versions WHERE template_id = \(bind: t.id)
                """).first()!.decode(column: "n", as: Int.self)
            saved.current = try await addVersion(t.current, number: next, templateID: t.id, on: db)
        }
        guard let version = try await db.raw("""
            UPDATE message_templates SET name = \(bind: t.name), active = \(bind: t.active), code = \(bind: t.code),
                current_version_id = \(bind: saved.current.id), updated_at = \(bind: t.updatedAt.millis), version = version + 1
            WHERE id = \(bind: t.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self) else { return nil }
        saved.version = version
        return saved
    }

    func addVersion(_ v: TemplateVersion, number: Int, templateID: Int64, on db: any SQLDatabase) async throws -> TemplateVersion {
        let id = try await db.raw("""
            INSERT INTO message_template_versions (template_id, number, subject, html, text, created_at, created_by)
            VALUES (\(bind: templateID), \(bind: number), \(bind: v.subject), \(bind: v.html), \(bind: v.text),
                \(bind: v.createdAt.millis), \(bind: v.createdBy))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        var saved = v
        saved.id = id
        saved.number = number
        return saved
    }

    /// Every version of a template, newest first.
    public func versions(templateID: Int64, on db: any SQLDatabase) async throws -> [TemplateVersion] {
        try await db.raw("""
            SELECT id AS version_id, number, subject, html, text, created_at AS version_created_at, created_by
            FROM message_template_versions WHERE template_id = \(bind: templateID) ORDER BY number DESC
            """).all().map(Self.decodeVersion)
    }

    public func version(id: Int64, on db: any SQLDatabase) async throws -> TemplateVersion? {
        try await db.raw("""
            SELECT id AS version_id, number, subject, html, text, created_at AS version_created_at, created_by
            FROM message_template_versions WHERE id = \(bind: id)
            """).first().map(Self.decodeVersion)
    }

    static func decodeVersion(_ row: any SQLRow) throws -> TemplateVersion {
        TemplateVersion(id: try row.decode(column: "version_id", as: Int64.self), number: try row.decode(column: "number", as: Int.self),
                        subject: try row.decode(column: "subject", as: String.self), html: try row.decode(column: "html", as: String.self),
                        text: try row.decode(column: "text", as: String.self),
                        createdAt: Date(millis: try row.decode(column: "version_created_at", as: Int64.self)),
                        createdBy: try row.decode(column: "created_by", as: Int64?.self))
    }

    static func decode(_ row: any SQLRow) throws -> MessageTemplate {
        MessageTemplate(id: try row.decode(column: "id", as: Int64.self),
                        kind: MessageTemplate.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .email,
                        code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
                        subject: MessageTemplate.Subject(rawValue: try row.decode(column: "record_kind", as: String.self)) ?? .lead,
                        locale: AppLocale(rawValue: try row.decode(column: "locale", as: String.self)) ?? .en,
                        active: try row.decode(column: "active", as: Bool.self), current: try decodeVersion(row),
                        createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                        updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                        version: try row.decode(column: "version", as: Int64.self))
    }
}
