import RapportDomain
import SQLKit

/// The full-text index of clients and its queries, one API over FTS5 and `tsvector`.
public struct SearchStore: Sendable {
    public init() {}

    /// Replaces the indexed body of one record.
    /// Writes a record's search text; `fresh` says the record is new, so there is nothing to replace.
    public func index(entity: String, id: Int64, body: String, fresh: Bool = false, on db: any SQLDatabase) async throws {
        if let pending = PendingWrites.current {
            pending.putSearch(.init(entity: entity, id: id, body: body), fresh: fresh)
            return
        }
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
        if let pending = PendingWrites.current {
            pending.remove(entity: entity, id: id)
            return
        }
        if db.dialect.name == "sqlite" {
            try await db.raw("DELETE FROM client_search WHERE rowid = \(bind: FTSRowID.make(entity: entity, id: id))").run()
        } else {
            try await db.raw("DELETE FROM client_search WHERE entity = \(bind: entity) AND entity_id = \(bind: id)").run()
        }
    }

    /// How many matches are ranked: a common word ("Иванов", a phone prefix) matches tens of
    /// thousands of records, and scoring every one of them (reading each from the table, on
    /// PostgreSQL) cost more than the rest of the search; the first ones found are ranked instead.
    public static let rankedMatches = 500

    /// Records whose body has every word (as a prefix), at most `limit`: best first when
    /// `ranked`, else in the index's order (for digits, where a score means nothing).
    /// `words` come from `SearchText.query`: letters and digits only, so no search syntax.
    public func find(words: [String], ranked: Bool, limit: Int, on db: any SQLDatabase) async throws
        -> [(entity: String, id: Int64)]
    {
        guard !words.isEmpty else { return [] }
        let rows: [any SQLRow]
        if db.dialect.name == "sqlite" {
            let match = words.map { "\"\($0)\"*" }.joined(separator: " ")
            rows = try await db.raw(ranked ? """
                SELECT entity, entity_id FROM (
                    SELECT entity, entity_id, rank FROM client_search WHERE client_search MATCH \(bind: match)
                    LIMIT \(literal: Self.rankedMatches))
                ORDER BY rank LIMIT \(literal: limit)
                """ : """
                SELECT entity, entity_id FROM client_search WHERE client_search MATCH \(bind: match) LIMIT \(literal: limit)
                """).all()
        } else {
            let query = words.map { "\($0):*" }.joined(separator: " & ")
            rows = try await db.raw(ranked ? """
                SELECT entity, entity_id FROM (
                    SELECT entity, entity_id, tsv FROM client_search WHERE tsv @@ to_tsquery('simple', \(bind: query))
                    LIMIT \(literal: Self.rankedMatches)) AS found
                ORDER BY ts_rank(tsv, to_tsquery('simple', \(bind: query))) DESC, entity_id LIMIT \(literal: limit)
                """ : """
                SELECT entity, entity_id FROM client_search WHERE tsv @@ to_tsquery('simple', \(bind: query))
                LIMIT \(literal: limit)
                """).all()
        }
        return try rows.map {
            (try $0.decode(column: "entity", as: String.self), try $0.decode(column: "entity_id", as: Int64.self))
        }
    }

    /// Records with an e-mail starting with `prefix` (lower case), at most `limit`: an index
    /// range on the channels, not a full-text query over every "mail" and "example".
    public func find(emailPrefix prefix: String, limit: Int, on db: any SQLDatabase) async throws
        -> [(entity: String, id: Int64)]
    {
        var found: [(entity: String, id: Int64)] = []
        for entity in ["contact", "company"] {
            let rows = try await db.raw("""
                SELECT DISTINCT entity_id FROM client_channels
                WHERE entity = \(bind: entity) AND kind = 'email' AND normalized >= \(bind: prefix)
                  AND normalized < \(bind: prefix + "\u{10FFFF}")
                LIMIT \(literal: limit)
                """).all()
            found += try rows.map { (entity, try $0.decode(column: "entity_id", as: Int64.self)) }
        }
        return found
    }

    /// What a search shows of each found record, with who is responsible for it (for the
    /// read check), in one query per kind of record.
    public struct Summary: Sendable {
        public var entity: String
        public var id: Int64
        public var name: String
        public var detail: String?
        public var ownership: RecordOwnership
    }

    public func summaries(_ found: [(entity: String, id: Int64)], on db: any SQLDatabase) async throws
        -> [String: [Int64: Summary]]
    {
        var out: [String: [Int64: Summary]] = [:]
        for (entity, table, name, detail) in [
            ("company", "companies", "companies.short_name", "companies.inn"),
            ("contact", "contacts",
             "TRIM(COALESCE(contacts.last_name, '') || ' ' || contacts.first_name || ' ' || COALESCE(contacts.middle_name, ''))",
             "contacts.position"),
            ("lead", "leads", "leads.title", "leads.company_name"),
            ("deal", "deals", "deals.title", "CAST(NULL AS TEXT)"),
        ] {
            let ids = found.filter { $0.entity == entity }.map(\.id)
            guard !ids.isEmpty else { continue }
            for row in try await db.raw("""
                SELECT \(unsafeRaw: table).id, \(unsafeRaw: name) AS name, \(unsafeRaw: detail) AS detail,
                    \(unsafeRaw: table).owner_id, users.department_id
                FROM \(unsafeRaw: table) LEFT JOIN users ON users.id = \(unsafeRaw: table).owner_id
                WHERE \(unsafeRaw: table).id IN (\(binds: ids))
                """).all() {
                let id = try row.decode(column: "id", as: Int64.self)
                out[entity, default: [:]][id] = Summary(
                    entity: entity, id: id, name: try row.decode(column: "name", as: String.self),
                    detail: try row.decode(column: "detail", as: String?.self),
                    ownership: RecordOwnership(ownerID: try row.decode(column: "owner_id", as: Int64?.self),
                                               ownerDepartmentID: try row.decode(column: "department_id", as: Int64?.self)))
            }
        }
        return out
    }
}
