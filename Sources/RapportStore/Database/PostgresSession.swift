import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// SQLKit over one leased PostgreSQL connection, with rows that decode the column types the
/// stores read (`Int64`, `Int`, `String`, `Bool` and their optionals) straight from the cell.
///
/// PostgresKit's own rows take every column through its general `Decodable` translation
/// (a coding path, dynamic casts, its compatibility workarounds): measured on the desktop,
/// that was a sixth of the page's work. Anything the direct path does not know — a bind of
/// another type, a column of another — goes through PostgresKit as before.
struct PostgresSession: SQLDatabase {
    let connection: PostgresConnection
    let logger: Logger
    /// PostgresKit's database on the same connection, for what the direct path does not handle.
    private let general: any SQLDatabase

    init(connection: PostgresConnection) {
        self.connection = connection
        self.logger = connection.logger
        self.general = connection.sql(queryLogLevel: nil)
    }

    var eventLoop: any EventLoop { connection.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { nil }
    var dialect: any SQLDialect { PostgresDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let (sql, binds) = serialize(query)
        guard let bindings = Self.bindings(binds) else { return general.execute(sql: query, onRow) }
        return connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) { row in
            onRow(PostgresSessionRow(cells: PostgresRandomAccessRow(row)))
        }.map { _ in }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

    /// The binds encoded directly, or nil when one of them is of a type only PostgresKit's
    /// general translation knows.
    private static func bindings(_ binds: [any Encodable & Sendable]) -> PostgresBindings? {
        var bindings = PostgresBindings(capacity: binds.count)
        for bind in binds {
            if isNil(bind) {
                bindings.appendNull()
            } else if let value = bind as? any PostgresThrowingDynamicTypeEncodable {
                do { try bindings.append(value, context: .default) } catch { return nil }
            } else {
                return nil
            }
        }
        return bindings
    }

    /// Whether a bind is an absent optional (the existential opened, so `Optional.none` inside
    /// it is seen as nil).
    private static func isNil<T: Encodable>(_ value: T) -> Bool {
        (value as Optional<Any>) == nil
    }
}

/// One row of a `PostgresSession` query.
struct PostgresSessionRow: SQLRow {
    let cells: PostgresRandomAccessRow

    var allColumns: [String] { cells.map(\.columnName) }

    func contains(column: String) -> Bool { cells.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        !cells.contains(column) || cells[column].bytes == nil
    }

    func decode<T: Decodable>(column: String, as type: T.Type) throws -> T {
        guard cells.contains(column) else { throw MissingColumn(column: column) }
        let cell = cells[column]
        switch type {
        case is Int64.Type: return try cell.decode(Int64.self) as! T
        case is String.Type: return try cell.decode(String.self) as! T
        case is String?.Type: return try cell.decode(String?.self) as! T
        case is Int64?.Type: return try cell.decode(Int64?.self) as! T
        case is Int.Type: return try cell.decode(Int.self) as! T
        case is Int?.Type: return try cell.decode(Int?.self) as! T
        case is Bool.Type: return try cell.decode(Bool.self) as! T
        case is Bool?.Type: return try cell.decode(Bool?.self) as! T
        default:
            guard let decodable = T.self as? any PostgresDecodable.Type else { throw UnsupportedColumnType(column: column) }
            return try Self.decode(cell, as: decodable) as! T
        }
    }

    private static func decode<D: PostgresDecodable>(_ cell: PostgresCell, as _: D.Type) throws -> D {
        try cell.decode(D.self)
    }

    struct MissingColumn: Error, CustomStringConvertible {
        var column: String
        var description: String { "the result has no column \(column)" }
    }

    struct UnsupportedColumnType: Error, CustomStringConvertible {
        var column: String
        var description: String { "column \(column) is read as a type PostgreSQL rows do not decode" }
    }
}
