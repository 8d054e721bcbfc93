import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import RapportDomain
import SQLKit
import SQLiteNIO

/// The one handle the stores see: reads, and write transactions that either commit whole or
/// leave nothing behind. Dialect differences live in the drivers and `SQLDialectHelpers`.
///
/// Errors a database raises are turned into `RapportError` here, so a service never sees a
/// driver type: a unique violation becomes `conflict`, a lost server or a read-only or full
/// disk becomes `unavailable`.
public final class Database: Sendable {
    public let kind: DatabaseKind
    public let url: DatabaseURL
    private let driver: any DatabaseDriver
    let logger: Logger

    private init(url: DatabaseURL, driver: any DatabaseDriver, logger: Logger) {
        self.kind = url.kind
        self.url = url
        self.driver = driver
        self.logger = logger
    }

    /// Opens the database at `url`. For PostgreSQL it waits until the server answers a ping,
    /// and throws `DatabaseUnavailable` with the address when it does not.
    public static func open(_ url: DatabaseURL, logger: Logger, readerCount: Int = 4, maxConnections: Int = 32)
        async throws -> Database
    {
        switch url {
        case .sqlite(let path):
            do {
                let driver = try await SQLiteDriver.open(path: path, readerCount: readerCount, logger: logger)
                return Database(url: url, driver: driver, logger: logger)
            } catch {
                throw DatabaseUnavailable(reason: "cannot open SQLite database \(path): \(describe(error))")
            }
        case .postgres(let host, let port, let user, let password, let database):
            let driver = PostgresDriver(
                host: host, port: port, user: user, password: password, database: database,
                maxConnections: maxConnections, operationTimeout: .seconds(5), logger: logger)
            let db = Database(url: url, driver: driver, logger: logger)
            do {
                try await db.ping()
            } catch {
                await driver.close()
                throw DatabaseUnavailable(reason: "cannot reach PostgreSQL at \(url): \(describe(error))")
            }
            return db
        }
    }

    /// Runs `body` on a connection for reading.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await driver.read(body)
        } catch {
            throw translate(error)
        }
    }

    /// Runs `body` in one transaction: it commits when `body` returns and rolls back when it
    /// throws. On SQLite transactions are serialised through the single writer.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let hooks = CommitHooks()
        let value: T
        do {
            value = try await Self.$commitHooks.withValue(hooks) {
                try await driver.transaction { db in
                    // A fresh memo for each attempt: nothing read by one rolled back survives it.
                    try await TransactionMemo.$current.withValue(TransactionMemo()) { try await body(db) }
                }
            }
        } catch {
            throw translate(error)
        }
        hooks.run()
        return value
    }

    @TaskLocal static var commitHooks: CommitHooks?

    /// The time limit of each operation inside `allowingLongOperations` (PostgreSQL's limit is
    /// otherwise 5 s per read or transaction, so an outage answers 503 at once).
    @TaskLocal static var longOperationLimit: Duration?

    /// Runs `body` with operations allowed up to `limit` each: an import batch, an index built
    /// over a million rows, `ANALYZE` after a bulk load.
    public static func allowingLongOperations<T: Sendable>(_ limit: Duration = .seconds(900),
                                                           _ body: () async throws -> T) async rethrows -> T {
        try await $longOperationLimit.withValue(limit) { try await body() }
    }

    /// Runs `action` once the transaction in progress has committed (never if it rolls back);
    /// outside a transaction, at once.
    public static func afterCommit(_ action: @escaping @Sendable () -> Void) {
        if let hooks = commitHooks { hooks.add(action) } else { action() }
    }

    /// Throws when the database does not answer a trivial query.
    public func ping() async throws {
        try await read { db in try await db.raw("SELECT 1 AS one").run() }
    }

    /// A consistent copy of a SQLite database at `path`; throws for PostgreSQL (use pg_dump).
    public func backupSQLite(to path: String) async throws {
        guard let sqlite = driver as? SQLiteDriver else {
            throw RapportError.conflict("backup to a file is for SQLite; use pg_dump for PostgreSQL")
        }
        try await sqlite.backup(to: path)
    }

    public func close() async {
        await driver.close()
    }

    private func translate(_ error: any Error) -> any Error {
        if error is RapportError || error is CancellationError { return error }
        if let sqlite = error as? SQLiteError {
            switch sqlite.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
                return RapportError.conflict("a record with this value already exists")
            case .constraintForeignKeyFailed:
                return RapportError.conflict("the record is referenced by or refers to a missing record")
            case .readOnly, .readonlyCantLock, .readonlyDirectory, .readonlyInRecovery, .readonlyInRollback,
                 .readonlyBackingMoved, .full, .ioError, .ioErrorFailedWrite, .ioErrorFailedSync, .cantOpen, .busy,
                 .busyTimeout, .locked:
                logger.error("database refused the operation", metadata: ["error": "\(sqlite)"])
                return RapportError.unavailable("the database refused the operation: \(sqlite.message)")
            default:
                return error
            }
        }
        if let psql = error as? PSQLError {
            if let state = psql.serverInfo?[.sqlState] {
                if state == "23505" { return RapportError.conflict("a record with this value already exists") }
                if state == "23503" {
                    return RapportError.conflict("the record is referenced by or refers to a missing record")
                }
                if state == "22021" || state == "22P05" {
                    return RapportError.invalid("body", "invalid_text", "the text holds characters the database cannot store")
                }
                if state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53") {
                    return RapportError.unavailable("PostgreSQL is unavailable (\(state))")
                }
                return error
            }
            logger.error("PostgreSQL connection failed", metadata: ["error": "\(String(reflecting: psql))"])
            return RapportError.unavailable("PostgreSQL is unavailable")
        }
        if let unavailable = error as? DatabaseUnavailable { return RapportError.unavailable(unavailable.reason) }
        return error
    }
}

func describe(_ error: any Error) -> String {
    if let psql = error as? PSQLError {
        if let message = psql.serverInfo?[.message] { return message }
        return "\(psql.code)"
    }
    return "\(error)"
}

extension Database {
    /// Runs one statement outside any transaction (`CREATE DATABASE` cannot run in one).
    /// Code-written SQL only.
    public func execute(_ sql: String) async throws {
        try await read { db in try await db.raw(SQLQueryString(sql)).run() }
    }

    /// Keeps the query planner's statistics current, so it picks the right index at any size:
    /// on SQLite `PRAGMA optimize` (a whole `ANALYZE` when there are no statistics yet or
    /// `full`); on PostgreSQL, whose autovacuum analyzes by itself, `ANALYZE` only when `full`
    /// (after a bulk load).
    public func refreshStatistics(full: Bool = false) async throws {
        try await Self.allowingLongOperations { try await self.analyze(full: full) }
    }

    private func analyze(full: Bool) async throws {
        switch kind {
        case .sqlite:
            try await transaction { db in
                let analyzed = try await db.raw("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").first() != nil
                if full || !analyzed {
                    try await db.raw("PRAGMA analysis_limit=0").run()
                    try await db.raw("ANALYZE").run()
                } else {
                    // Sampled, as SQLite advises for `optimize`: an unbounded one read every index
                    // of a changed table whole (seconds at a million rows, after every import).
                    try await db.raw("PRAGMA analysis_limit=1000").run()
                    try await db.raw("PRAGMA optimize=0x10002").run()
                }
            }
        case .postgres:
            if full { try await execute("ANALYZE") }
        }
    }

    /// Folds the SQLite write-ahead log into the main file, so the file alone is a complete copy.
    public func checkpointForCopy() async throws {
        guard let sqlite = driver as? SQLiteDriver else { return }
        try await sqlite.checkpoint()
    }
}

/// Actions waiting for a transaction to commit.
final class CommitHooks: Sendable {
    private let actions = NIOLockedValueBox<[@Sendable () -> Void]>([])

    func add(_ action: @escaping @Sendable () -> Void) {
        actions.withLockedValue { $0.append(action) }
    }

    func run() {
        for action in actions.withLockedValue({ $0 }) { action() }
    }
}
