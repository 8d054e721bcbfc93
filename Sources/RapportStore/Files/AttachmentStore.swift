import Foundation
import RapportDomain
import SQLKit

/// The rows of attached files (the bytes are in `FileStore`).
public struct AttachmentStore: Sendable {
    public init() {}

    static let columns = "id, entity, entity_id, file_name, content_type, size, sha256, storage_name, created_at, created_by"

    public func insert(_ a: Attachment, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO attachments (entity, entity_id, file_name, content_type, size, sha256, storage_name, created_at,
                created_by)
            VALUES (\(bind: a.entity), \(bind: a.entityID), \(bind: a.fileName), \(bind: a.contentType), \(bind: a.size),
                \(bind: a.sha256), \(bind: a.storageName), \(bind: a.createdAt.millis), \(bind: a.createdBy))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Attachment? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM attachments WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// A record's files, newest first.
    public func list(entity: String, id: Int64, on db: any SQLDatabase) async throws -> [Attachment] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM attachments WHERE entity = \(bind: entity) AND entity_id = \(bind: id)
            ORDER BY id DESC
            """).all().map(Self.decode)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM attachments WHERE id = \(bind: id)").run()
    }

    /// Removes a record's rows and returns their storage names, for the files to go after commit.
    public func deleteAll(entity: String, id: Int64, on db: any SQLDatabase) async throws -> [String] {
        let names = try await list(entity: entity, id: id, on: db).map(\.storageName)
        try await db.raw("DELETE FROM attachments WHERE entity = \(bind: entity) AND entity_id = \(bind: id)").run()
        return names
    }

    /// Moves a merged record's files to the survivor.
    public func move(entity: String, from duplicate: Int64, to survivor: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE attachments SET entity_id = \(bind: survivor) WHERE entity = \(bind: entity) AND entity_id = \(bind: duplicate)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> Attachment {
        Attachment(
            id: try row.decode(column: "id", as: Int64.self),
            entity: try row.decode(column: "entity", as: String.self),
            entityID: try row.decode(column: "entity_id", as: Int64.self),
            fileName: try row.decode(column: "file_name", as: String.self),
            contentType: try row.decode(column: "content_type", as: String.self),
            size: try row.decode(column: "size", as: Int64.self),
            sha256: try row.decode(column: "sha256", as: String.self),
            storageName: try row.decode(column: "storage_name", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self))
    }
}
