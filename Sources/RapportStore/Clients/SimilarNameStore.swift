import RapportDomain
import SQLKit

/// Candidates for names that are alike, one API over two engines: PostgreSQL's `pg_trgm`
/// (`%` with a GIN index on the tables' own keys) and, on SQLite, the FTS5 `trigram` table
/// `client_names` that the services keep in step. Candidates only: `Trigrams` decides.
public struct SimilarNameStore: Sendable {
    public init() {}

    /// Which key to compare: the name without legal forms (duplicates) or the whole name (search).
    public enum Key: String, Sendable {
        case match = "match_key", name = "name_key"
    }

    /// Rewrites a record's keys (SQLite only; PostgreSQL indexes the tables themselves);
    /// `fresh` says the record is new, so there is nothing to replace.
    public func index(entity: String, id: Int64, matchKey: String?, nameKey: String, fresh: Bool = false,
                      on db: any SQLDatabase) async throws {
        guard db.dialect.name == "sqlite" else { return }
        if let pending = PendingWrites.current {
            pending.putName(.init(entity: entity, id: id, matchKey: matchKey ?? "", nameKey: nameKey), fresh: fresh)
            return
        }
        if !fresh { try await remove(entity: entity, id: id, on: db) }
        try await db.raw("""
            INSERT INTO client_names (rowid, entity, entity_id, match_key, name_key)
            VALUES (\(bind: FTSRowID.make(entity: entity, id: id)), \(bind: entity), \(bind: id), \(bind: matchKey ?? ""),
                \(bind: nameKey))
            """).run()
    }

    public func remove(entity: String, id: Int64, on db: any SQLDatabase) async throws {
        guard db.dialect.name == "sqlite" else { return }
        if let pending = PendingWrites.current {
            pending.remove(entity: entity, id: id)
            return
        }
        try await db.raw("DELETE FROM client_names WHERE rowid = \(bind: FTSRowID.make(entity: entity, id: id))").run()
    }

    /// Records of `entity` whose key may be alike `text`, at most `limit`, with their key.
    public func candidates(entity: String, key: Key, like text: String, excluding: Int64? = nil, limit: Int = 50,
                           on db: any SQLDatabase) async throws -> [(id: Int64, key: String)] {
        let excluded = excluding ?? 0
        let rows: [any SQLRow]
        if db.dialect.name == "sqlite" {
            guard let match = Self.ftsQuery(text, column: key.rawValue) else { return [] }
            // The record's kind and id are read off the rowid (`FTSRowID`): a condition on the
            // unindexed `entity` column would read every match's row, tens of thousands for a
            // common piece of a name when the other kind of record has none.
            let kind = FTSRowID.make(entity: entity, id: 0)
            rows = try await db.raw("""
                SELECT rowid / 4 AS id, \(unsafeRaw: key.rawValue) AS key FROM client_names
                WHERE client_names MATCH \(bind: match) AND rowid % 4 = \(bind: kind)
                  AND rowid <> \(bind: FTSRowID.make(entity: entity, id: excluded))
                LIMIT \(literal: limit)
                """).all()
            if let pending = PendingWrites.current {
                // Names held back in this batch are candidates too (see `PendingWrites`).
                let stored = try rows.map {
                    (id: try $0.decode(column: "id", as: Int64.self), key: try $0.decode(column: "key", as: String.self))
                }
                return stored + pending.names(entity: entity, key: key, excluding: excluding)
            }
        } else {
            let table = entity == "company" ? "companies" : "contacts"
            let column = key.rawValue
            // Any two of the text's three runs as substrings through the GIN trigram index on
            // the column (migration 20 for `match_key`, 6 for `name_key`), as SQLite's FTS5
            // finds them: `%` (trigram similarity) and `<%` (word similarity) read hundreds or
            // thousands of rows for a common first name or a rare word. No ORDER BY: the
            // caller decides.
            guard let condition = Self.likeCondition(text, column: column) else { return [] }
            rows = try await db.raw("""
                SELECT id, \(unsafeRaw: column) AS key FROM \(unsafeRaw: table)
                WHERE \(condition) AND id <> \(bind: excluded)
                LIMIT \(literal: limit)
                """).all()
        }
        return try rows.map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "key", as: String.self)) }
    }

    /// The pieces a name within about one typo of `text` keeps whole: any two of its three
    /// runs (see `Trigrams.runs`); a shorter text either half, or itself. Nil when too short.
    enum Pieces {
        case anyTwo([String]), either([String]), whole(String)
    }

    static func pieces(_ text: String) -> Pieces? {
        let characters = Array(text)
        if let runs = Trigrams.runs(text) { return .anyTwo(runs) }
        if characters.count >= 6 {
            let half = characters.count / 2
            return .either([String(characters[..<half]), String(characters[half...])])
        }
        return characters.count >= 3 ? .whole(text) : nil
    }

    /// The pieces as a condition: `match` is the test of one piece.
    static func condition<T>(_ pieces: Pieces, match: (String) -> T, and: (T, T) -> T, or: ([T]) -> T) -> T {
        switch pieces {
        case .anyTwo(let runs):
            let (a, b, c) = (match(runs[0]), match(runs[1]), match(runs[2]))
            return or([and(a, b), and(b, c), and(a, c)])
        case .either(let halves): return or(halves.map(match))
        case .whole(let text): return match(text)
        }
    }

    /// An FTS5 query on `column` for names within about one typo of `text`.
    static func ftsQuery(_ text: String, column: String) -> String? {
        func phrase(_ piece: String) -> String { "\"" + piece.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        guard let pieces = pieces(text) else { return nil }
        let body = condition(pieces, match: phrase, and: { "(\($0) AND \($1))" }, or: { $0.joined(separator: " OR ") })
        return "\(column) : (\(body))"
    }

    /// The same as a PostgreSQL condition on `column`: substrings through its trigram index.
    static func likeCondition(_ text: String, column: String) -> SQLQueryString? {
        guard let pieces = pieces(text) else { return nil }
        let body = condition(pieces, match: { piece -> SQLQueryString in
            "\(unsafeRaw: column) LIKE \(bind: LikePattern.containing(piece)) ESCAPE '\\'"
        }, and: { "(\($0) AND \($1))" }, or: { $0.joined(separator: " OR ") })
        return "(\(body))"
    }
}
