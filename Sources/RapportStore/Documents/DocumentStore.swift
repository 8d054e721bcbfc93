import Foundation
import RapportDomain
import SQLKit

/// Documents made for records, their numbers, and which were sent by e-mail.
public struct DocumentStore: Sendable {
    public init() {}

    static let columns = """
        id, entity, entity_id, template_id, template_version_id, code, title, number, document_date, attachment_id, created_by, created_at
        """

    /// The next number for documents of `code` (1, 2, …): the counter's row is locked until the
    /// transaction ends, so two documents never share a number.
    public func nextNumber(code: String, on db: any SQLDatabase) async throws -> Int64 {
        for _ in 0..<2 {
            if let row = try await db.raw("""
                UPDATE document_counters SET last_number = last_number + 1 WHERE code = \(bind: code) RETURNING last_number
                """).first() {
                return try row.decode(column: "last_number", as: Int64.self)
            }
            try await db.raw("INSERT INTO document_counters (code, last_number) VALUES (\(bind: code), 0) ON CONFLICT (code) DO NOTHING").run()
        }
        throw RapportError.unavailable("the document counter for \(code) could not be moved on")
    }

    public func insert(_ d: Document, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO documents (entity, entity_id, template_id, template_version_id, code, title, number, document_date, attachment_id,
                created_by, created_at)
            VALUES (\(bind: d.link.entity), \(bind: d.link.id), \(bind: d.templateID), \(bind: d.templateVersionID), \(bind: d.code),
                \(bind: d.title), \(bind: d.number), \(bind: d.date.description), \(bind: d.attachmentID), \(bind: d.createdBy),
                \(bind: d.createdAt.millis))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    /// A record's documents, newest first.
    public func list(_ link: WorkTask.Link, on db: any SQLDatabase) async throws -> [Document] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM documents WHERE entity = \(bind: link.entity) AND entity_id = \(bind: link.id) ORDER BY id DESC
            """).all().map(Self.decode)
    }

    public func find(attachmentID: Int64, on db: any SQLDatabase) async throws -> Document? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM documents WHERE attachment_id = \(bind: attachmentID)").first().map(Self.decode)
    }

    /// The codes of the record's documents that went out attached to an e-mail the SMTP
    /// server took (the stage condition `document_sent("…")`).
    public func sentCodes(_ link: WorkTask.Link, on db: any SQLDatabase) async throws -> Set<String> {
        let rows = try await db.raw("""
            SELECT DISTINCT d.code FROM documents d
            JOIN outbox_messages m ON m.link_entity = d.entity AND m.link_id = d.entity_id
            WHERE d.entity = \(bind: link.entity) AND d.entity_id = \(bind: link.id) AND m.channel = 'email'
                AND m.state IN ('sent', 'delivered')
                AND ',' || REPLACE(REPLACE(REPLACE(m.attachments, '[', ''), ']', ''), ' ', '') || ',' LIKE '%,' || CAST(d.attachment_id AS TEXT) || ',%'
            """).all()
        return Set(try rows.map { try $0.decode(column: "code", as: String.self) })
    }

    /// Removes a deleted record's documents (its files go with the record's).
    public func deleteAll(_ link: WorkTask.Link, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM documents WHERE entity = \(bind: link.entity) AND entity_id = \(bind: link.id)").run()
    }

    static func decode(_ row: any SQLRow) throws -> Document {
        Document(id: try row.decode(column: "id", as: Int64.self),
                 link: WorkTask.Link(entity: try row.decode(column: "entity", as: String.self), id: try row.decode(column: "entity_id", as: Int64.self)),
                 templateID: try row.decode(column: "template_id", as: Int64.self),
                 templateVersionID: try row.decode(column: "template_version_id", as: Int64.self),
                 code: try row.decode(column: "code", as: String.self), title: try row.decode(column: "title", as: String.self),
                 number: try row.decode(column: "number", as: Int64.self),
                 date: CalendarDate(try row.decode(column: "document_date", as: String.self)) ?? CalendarDate(year: 1970, month: 1, day: 1)!,
                 attachmentID: try row.decode(column: "attachment_id", as: Int64.self),
                 createdBy: try row.decode(column: "created_by", as: Int64?.self),
                 createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }
}
