import Foundation
import RapportDomain
import SQLKit

/// Ties between companies or between people.
public struct RelationshipStore: Sendable {
    public init() {}

    public func insert(_ r: Relationship, at time: Date, by actorID: Int64?, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO client_relationships (entity, from_id, to_id, kind, note, created_at, created_by)
            VALUES (\(bind: r.entity), \(bind: r.fromID), \(bind: r.toID), \(bind: r.kind), \(bind: r.note),
                    \(bind: time.millis), \(bind: actorID))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Relationship? {
        try await db.raw("""
            SELECT id, entity, from_id, to_id, kind, note FROM client_relationships WHERE id = \(bind: id)
            """).first().map(Self.decode)
    }

    /// The ties of one record, in both directions.
    public func list(entity: String, id: Int64, on db: any SQLDatabase) async throws -> [Relationship] {
        try await db.raw("""
            SELECT id, entity, from_id, to_id, kind, note FROM client_relationships
            WHERE entity = \(bind: entity) AND (from_id = \(bind: id) OR to_id = \(bind: id)) ORDER BY id LIMIT 500
            """).all().map(Self.decode)
    }

    public func exists(_ r: Relationship, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM client_relationships WHERE entity = \(bind: r.entity) AND kind = \(bind: r.kind)
              AND ((from_id = \(bind: r.fromID) AND to_id = \(bind: r.toID)) OR (from_id = \(bind: r.toID) AND to_id = \(bind: r.fromID)))
            """).first()!.decode(column: "n", as: Int.self) > 0
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM client_relationships WHERE id = \(bind: id)").run()
    }

    /// Removes every tie of a record being deleted.
    public func deleteAll(entity: String, id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM client_relationships WHERE entity = \(bind: entity) AND (from_id = \(bind: id) OR to_id = \(bind: id))
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> Relationship {
        Relationship(id: try row.decode(column: "id", as: Int64.self), entity: try row.decode(column: "entity", as: String.self),
                     fromID: try row.decode(column: "from_id", as: Int64.self), toID: try row.decode(column: "to_id", as: Int64.self),
                     kind: try row.decode(column: "kind", as: String.self), note: try row.decode(column: "note", as: String?.self))
    }
}
