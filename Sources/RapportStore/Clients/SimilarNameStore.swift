import RapportDomain
import SQLKit

/// Candidates for names that are alike, one API over two engines: PostgreSQL's `pg_trgm`
/// (substrings through GIN indexes on the tables' own keys) and, on SQLite, the FTS5
/// `trigram` table `client_names` that the services keep in step.
/// Candidates only: `Trigrams` decides.
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
        guard let pieces = Self.pieces(text) else { return [] }
        if db.dialect.name == "sqlite" {
            // The record's kind and id are read off the rowid (`FTSRowID`): a condition on the
            // unindexed `entity` column would read every match's row, tens of thousands for a
            // common piece of a name when the other kind of record has none.
            let kind = FTSRowID.make(entity: entity, id: 0)
            rows = try await db.raw("""
                SELECT rowid / 4 AS id, \(unsafeRaw: key.rawValue) AS key FROM client_names
                WHERE client_names MATCH \(bind: Self.ftsQuery(pieces, column: key.rawValue)) AND rowid % 4 = \(bind: kind)
                  AND rowid <> \(bind: FTSRowID.make(entity: entity, id: excluded))
                LIMIT \(literal: limit)
                """).all()
            if let pending = PendingWrites.current {
                // Names held back in this batch are candidates too (see `PendingWrites`).
                let stored = try rows.map {
                    (id: try $0.decode(column: "id", as: Int64.self), key: try $0.decode(column: "key", as: String.self))
                }
                let test = PieceTest(pieces)
                return stored + pending.names(entity: entity, key: key, excluding: excluding)
                    .filter { test.passes(Array($0.key.utf8)) }
            }
        } else {
            let table = entity == "company" ? "companies" : "contacts"
            let column = key.rawValue
            // Any two of the text's three runs as substrings through the GIN trigram index on
            // the column (migration 20 for `match_key`, 6 for `name_key`), as SQLite's FTS5
            // finds them: `%` (trigram similarity) and `<%` (word similarity) read hundreds or
            // thousands of rows for a common first name or a rare word. No ORDER BY: the
            // caller decides.
            let condition = Self.likeCondition(pieces, column: column)
            rows = try await db.raw("""
                SELECT id, \(unsafeRaw: column) AS key FROM \(unsafeRaw: table)
                WHERE \(condition) AND id <> \(bind: excluded)
                LIMIT \(literal: limit)
                """).all()
        }
        return try rows.map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "key", as: String.self)) }
    }

    /// `candidates` for many texts at once (a batch's duplicate check), by text. On PostgreSQL
    /// the texts cut into three runs (people's "last first" almost always) share one statement
    /// — one plan and one round trip instead of one per text, which cost more than finding
    /// the names; shorter texts, and SQLite (in process), go one by one.
    public func candidates(entity: String, key: Key, like texts: [String], excluding: [Int64?], limit: Int = 50,
                           on db: any SQLDatabase) async throws -> [[(id: Int64, key: String)]] {
        var found = [[(id: Int64, key: String)]](repeating: [], count: texts.count)
        var runs: [(index: Int, runs: [String])] = []
        for (index, text) in texts.enumerated() {
            if db.dialect.name != "sqlite", case .anyTwo(let pieces)? = Self.pieces(text) {
                runs.append((index, pieces.map(LikePattern.containing)))
            } else {
                found[index] = try await candidates(entity: entity, key: key, like: text, excluding: excluding[index],
                                                    limit: limit, on: db)
            }
        }
        guard !runs.isEmpty else { return found }
        let table = entity == "company" ? "companies" : "contacts"
        let column = key.rawValue
        // The same "any two of three" as `likeCondition`, over the row's patterns `p.a`, `p.b`, `p.c`.
        let matches = Self.condition(.anyTwo(["a", "b", "c"]), match: { "\(column) LIKE p.\($0) ESCAPE '\\'" },
                                     and: { "(\($0) AND \($1))" }, or: { $0.joined(separator: " OR ") })
        for row in try await db.raw("""
            SELECT p.i, c.id, c.key
            FROM unnest(\(bind: runs.map { Int64($0.index) })::bigint[], \(bind: runs.map { $0.runs[0] })::text[],
                        \(bind: runs.map { $0.runs[1] })::text[], \(bind: runs.map { $0.runs[2] })::text[],
                        \(bind: runs.map { excluding[$0.index] ?? 0 })::bigint[]) AS p(i, a, b, c, excluded)
            CROSS JOIN LATERAL (
                SELECT id, \(unsafeRaw: column) AS key FROM \(unsafeRaw: table)
                WHERE (\(unsafeRaw: matches)) AND id <> p.excluded
                LIMIT \(literal: limit)) c
            """).all() {
            let index = Int(try row.decode(column: "i", as: Int64.self))
            found[index].append((try row.decode(column: "id", as: Int64.self), try row.decode(column: "key", as: String.self)))
        }
        return found
    }

    /// The pieces a name within about one typo of `text` keeps whole: any two of its three
    /// runs (see `Trigrams.runs`); a shorter text either half, or itself. Nil when too short.
    enum Pieces {
        case anyTwo([String]), either([String]), whole(String)
    }

    static func pieces(_ text: String) -> Pieces? {
        // The keys are lower-case (`NameKey`, `NameMatch`).
        let text = text.lowercased()
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

    /// The test the queries below make, for names in memory (held-back names of a batch, the
    /// rows of a batch among themselves): does a name keep the pieces whole? The pieces are
    /// UTF-8 bytes, made once for many names.
    struct PieceTest {
        let needles: [[UInt8]]
        /// How many of the needles a name must contain: two of three runs, else one.
        let required: Int

        init(_ pieces: Pieces) {
            switch pieces {
            case .anyTwo(let runs): (needles, required) = (runs.map { Array($0.utf8) }, 2)
            case .either(let halves): (needles, required) = (halves.map { Array($0.utf8) }, 1)
            case .whole(let text): (needles, required) = ([Array(text.utf8)], 1)
            }
        }

        func passes(_ name: [UInt8]) -> Bool {
            var found = 0
            for needle in needles where SimilarNameStore.bytes(name, contain: needle) {
                found += 1
                if found == required { return true }
            }
            return false
        }
    }

    /// A plain search for `piece` in `bytes` (names are short): Foundation's `contains` and
    /// `firstRange(of:)` were a tenth of an import's time.
    static func bytes(_ bytes: [UInt8], contain piece: [UInt8]) -> Bool {
        guard !piece.isEmpty else { return true }
        guard bytes.count >= piece.count else { return false }
        for start in 0...(bytes.count - piece.count) where bytes[start] == piece[0] {
            var offset = 1
            while offset < piece.count && bytes[start + offset] == piece[offset] { offset += 1 }
            if offset == piece.count { return true }
        }
        return false
    }

    /// An FTS5 query on `column` for names within about one typo of the text cut into `pieces`.
    static func ftsQuery(_ pieces: Pieces, column: String) -> String {
        func phrase(_ piece: String) -> String { "\"" + piece.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let body = condition(pieces, match: phrase, and: { "(\($0) AND \($1))" }, or: { $0.joined(separator: " OR ") })
        return "\(column) : (\(body))"
    }

    /// The same as a PostgreSQL condition on `column`: substrings through its trigram index.
    static func likeCondition(_ pieces: Pieces, column: String) -> SQLQueryString {
        let body = condition(pieces, match: { piece -> SQLQueryString in
            "\(unsafeRaw: column) LIKE \(bind: LikePattern.containing(piece)) ESCAPE '\\'"
        }, and: { "(\($0) AND \($1))" }, or: { $0.joined(separator: " OR ") })
        return "(\(body))"
    }
}
