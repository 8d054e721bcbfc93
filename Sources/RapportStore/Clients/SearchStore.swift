import RapportDomain
import SQLKit

/// The full-text index of clients and its queries, one API over FTS5 and `tsvector`.
public struct SearchStore: Sendable {
    public init() {}

    /// Replaces the indexed body of one record.
    /// Writes a record's search text; `fresh` says the record is new, so there is nothing to replace.
    public func index(entity: String, id: Int64, body: String, fresh: Bool = false, on db: any SQLDatabase) async throws {
        if !fresh { try await remove(entity: entity, id: id, on: db) }
        if db.dialect.name == "sqlite" {
            try await db.raw("""
                INSERT INTO client_search (rowid, entity, entity_id, body)
                VALUES (\(bind: FTSRowID.make(entity: entity, id: id)), \(bind: entity), \(bind: id), \(bind: body))
                """).run()
        } else {
            try await db.raw("""
                INSERT INTO client_search (entity, entity_id, body) VALUES (\(bind: entity), \(bind: id), \(bind: body))
                """).run()
        }
    }

    public func remove(entity: String, id: Int64, on db: any SQLDatabase) async throws {
        if db.dialect.name == "sqlite" {
            try await db.raw("DELETE FROM client_search WHERE rowid = \(bind: FTSRowID.make(entity: entity, id: id))").run()
        } else {
            try await db.raw("DELETE FROM client_search WHERE entity = \(bind: entity) AND entity_id = \(bind: id)").run()
        }
    }

    /// Records whose body has every word (as a prefix), best first, at most `limit`.
    /// `words` come from `SearchText.query`: letters and digits only, so no search syntax.
    public func find(words: [String], limit: Int, on db: any SQLDatabase) async throws -> [(entity: String, id: Int64)] {
        guard !words.isEmpty else { return [] }
        let rows: [any SQLRow]
        if db.dialect.name == "sqlite" {
            let match = words.map { "\"\($0)\"*" }.joined(separator: " ")
            rows = try await db.raw("""
                SELECT entity, entity_id FROM client_search WHERE client_search MATCH \(bind: match)
                ORDER BY rank LIMIT \(literal: limit)
                """).all()
        } else {
            let query = words.map { "\($0):*" }.joined(separator: " & ")
            rows = try await db.raw("""
                SELECT entity, entity_id FROM client_search WHERE tsv @@ to_tsquery('simple', \(bind: query))
                ORDER BY ts_rank(tsv, to_tsquery('simple', \(bind: query))) DESC, entity_id LIMIT \(literal: limit)
                """).all()
        }
        return try rows.map {
            (try $0.decode(column: "entity", as: String.self), try $0.decode(column: "entity_id", as: Int64.self))
        }
    }
}
