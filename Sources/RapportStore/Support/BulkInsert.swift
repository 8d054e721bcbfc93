import RapportDomain
import SQLKit

/// One `INSERT … VALUES (…), (…), …` for many rows: how large amounts of generated data are
/// written in a reasonable time on PostgreSQL, where each statement is a round trip.
/// Table and column names are code-written; every value is bound.
public struct BulkInsert: Sendable {
    public let table: String
    public let columns: [String]
    /// Columns holding a JSON document (`jsonb` on PostgreSQL), bound as text and cast.
    public let jsonColumns: Set<String>

    public init(table: String, columns: [String], jsonColumns: Set<String> = []) {
        self.table = table
        self.columns = columns
        self.jsonColumns = jsonColumns
    }

    /// Rows beyond what one statement may bind (SQLite allows 32,766 values) go in further statements.
    public func run(_ rows: [[any Encodable & Sendable]], on db: any SQLDatabase) async throws {
        _ = try await insert(rows, returningIDs: false, on: db)
    }

    /// `run` for a table with a generated `id`: the new rows' ids, in the order of `rows`.
    ///
    /// Both engines number the rows of one `INSERT … VALUES` in the order of its values (SQLite
    /// one past the largest rowid, PostgreSQL from the identity's sequence, which only grows),
    /// so the ids returned, sorted, are the rows' in order — whatever order `RETURNING` emits them in.
    public func runReturningIDs(_ rows: [[any Encodable & Sendable]], on db: any SQLDatabase) async throws -> [Int64] {
        try await insert(rows, returningIDs: true, on: db)
    }

    func insert(_ rows: [[any Encodable & Sendable]], returningIDs: Bool, on db: any SQLDatabase) async throws -> [Int64] {
        let perStatement = max(1, 30_000 / max(1, columns.count))
        let casts = db.dialect.name == "sqlite" ? [] : columns.map { jsonColumns.contains($0) }
        var ids: [Int64] = []
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var query = SQLQueryString("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES ")
            for (index, row) in chunk.enumerated() {
                query.appendLiteral(index == 0 ? "(" : ", (")
                for (position, value) in row.enumerated() {
                    if position > 0 { query.appendLiteral(", ") }
                    let cast = position < casts.count && casts[position]
                    if cast { query.appendLiteral("CAST(") }
                    query.appendInterpolation(bind: value)
                    if cast { query.appendLiteral(" AS jsonb)") }
                }
                query.appendLiteral(")")
            }
            if returningIDs {
                query.appendLiteral(" RETURNING id")
                let found = try await db.raw(query).all().map { try $0.decode(column: "id", as: Int64.self) }
                guard found.count == chunk.count else {
                    throw RapportError.unavailable("\(table): \(chunk.count) rows written, \(found.count) ids returned")
                }
                ids += found.sorted()
            } else {
                try await db.raw(query).run()
            }
            start += perStatement
        }
        return ids
    }
}
