import Foundation
import RapportDomain
import SQLKit

/// What merging two clients does to the rows around them: links, channels and ties move to
/// the survivor, and the merge is remembered so the survivor's history includes the merged
/// record's events.
public struct MergeStore: Sendable {
    public init() {}

    /// Records that `merged` now lives on as `survivor`.
    public func record(entity: String, survivor: Int64, merged: Int64, at time: Date, by actorID: Int64?,
                       on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO client_merges (entity, survivor_id, merged_id, merged_at, merged_by)
            VALUES (\(bind: entity), \(bind: survivor), \(bind: merged), \(bind: time.millis), \(bind: actorID))
            """).run()
        // Earlier merges into the merged record now point at the survivor too.
        try await db.raw("""
            UPDATE client_merges SET survivor_id = \(bind: survivor)
            WHERE entity = \(bind: entity) AND survivor_id = \(bind: merged)
            """).run()
    }

    /// The ids whose events make up `id`'s history: itself and every record merged into it.
    public func historyIDs(entity: String, id: Int64, on db: any SQLDatabase) async throws -> [Int64] {
        let merged = try await db.raw("""
            SELECT merged_id FROM client_merges WHERE entity = \(bind: entity) AND survivor_id = \(bind: id)
            """).all().map { try $0.decode(column: "merged_id", as: Int64.self) }
        return [id] + merged
    }

    /// Moves the duplicate's company–contact links to the survivor, skipping ones it already has.
    public func moveLinks(entity: String, from duplicate: Int64, to survivor: Int64, on db: any SQLDatabase) async throws {
        let column = entity == "company" ? "company_id" : "contact_id"
        let other = entity == "company" ? "contact_id" : "company_id"
        try await db.raw("""
            DELETE FROM company_contacts WHERE \(unsafeRaw: column) = \(bind: duplicate) AND \(unsafeRaw: other) IN
                (SELECT \(unsafeRaw: other) FROM company_contacts WHERE \(unsafeRaw: column) = \(bind: survivor))
            """).run()
        try await db.raw("""
            UPDATE company_contacts SET \(unsafeRaw: column) = \(bind: survivor) WHERE \(unsafeRaw: column) = \(bind: duplicate)
            """).run()
    }

    /// Points the duplicate's ties at the survivor; ties between the two disappear.
    public func moveRelationships(entity: String, from duplicate: Int64, to survivor: Int64, on db: any SQLDatabase)
        async throws
    {
        try await db.raw("""
            DELETE FROM client_relationships WHERE entity = \(bind: entity)
              AND ((from_id = \(bind: duplicate) AND to_id = \(bind: survivor)) OR (from_id = \(bind: survivor) AND to_id = \(bind: duplicate)))
            """).run()
        try await db.raw("""
            UPDATE client_relationships SET from_id = \(bind: survivor) WHERE entity = \(bind: entity) AND from_id = \(bind: duplicate)
            """).run()
        try await db.raw("""
            UPDATE client_relationships SET to_id = \(bind: survivor) WHERE entity = \(bind: entity) AND to_id = \(bind: duplicate)
            """).run()
    }
}
