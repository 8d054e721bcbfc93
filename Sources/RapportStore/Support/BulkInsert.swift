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
        let perStatement = max(1, 30_000 / max(1, columns.count))
        let casts = db.dialect.name == "sqlite" ? [] : columns.map { jsonColumns.contains($0) }
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
            try await db.raw(query).run()
            start += perStatement
        }
    }
}
