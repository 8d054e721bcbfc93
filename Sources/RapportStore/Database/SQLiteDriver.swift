import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// SQLite the way the architecture asks: WAL, `synchronous=NORMAL`, foreign keys on, a busy
/// timeout; every write through one writer connection in `BEGIN IMMEDIATE` transactions,
/// reads spread over a small pool of reader connections.
final class SQLiteDriver: DatabaseDriver {
    private let writer: SQLiteConnection
    /// The writer's thread: its SQLite calls and its transactions' code run there.
    private let writerExecutor: ThreadTaskExecutor
    private let readers: [SQLiteConnection]
    private let writeLock = AsyncLock()
    private let nextReader = NIOLockedValueBox(0)
    private let logger: Logger

    private init(writer: SQLiteConnection, writerExecutor: ThreadTaskExecutor, readers: [SQLiteConnection],
                 logger: Logger) {
        self.writer = writer
        self.writerExecutor = writerExecutor
        self.readers = readers
        self.logger = logger
    }

    /// Opens (creating if needed) the file at `path` with `readerCount` reader connections.
    static func open(path: String, readerCount: Int, logger: Logger) async throws -> SQLiteDriver {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let writerExecutor = ThreadTaskExecutor()
        var opened: [SQLiteConnection] = []
        do {
            let writer = try await SQLiteConnection.open(
                storage: .file(path: path), threadPool: writerExecutor.pool, logger: logger,
                on: MultiThreadedEventLoopGroup.singleton.any())
            opened.append(writer)
            let db = writer.sql(queryLogLevel: nil)
            // WAL is persistent in the file: set once at creation, a no-op afterwards.
            try await db.raw("PRAGMA journal_mode=WAL").run()
            try await configure(db)
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                opened.append(reader)
                try await configure(reader.sql(queryLogLevel: nil))
                try await reader.sql(queryLogLevel: nil).raw("PRAGMA query_only=ON").run()
                readers.append(reader)
            }
            return SQLiteDriver(writer: writer, writerExecutor: writerExecutor, readers: readers, logger: logger)
        } catch {
            // A file that is not a database (or cannot be opened) fails here: close what was
            // opened, as SQLite connections must be, and report the first error.
            for connection in opened { try? await connection.close() }
            await writerExecutor.shutdown()
            throw error
        }
    }

    private static func configure(_ db: any SQLDatabase) async throws {
        try await db.raw("PRAGMA synchronous=NORMAL").run()
        // A large database is read through the OS page cache by mapping (no read() and copy
        // per page: at 256 MiB, reading the rest of a million clients' 2.5 GB file was a fifth
        // of an import's time) with 8 MiB of SQLite's own cache per connection. 2 GiB is
        // SQLite's own ceiling; the mapping is address space, not memory.
        try await db.raw("PRAGMA mmap_size=2147418112").run()
        try await db.raw("PRAGMA cache_size=-8192").run()
        try await db.raw("PRAGMA foreign_keys=ON").run()
        try await db.raw("PRAGMA busy_timeout=5000").run()
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let index = nextReader.withLockedValue { value -> Int in
            value = (value + 1) % readers.count
            return value
        }
        return try await body(readers[index].sql(queryLogLevel: nil))
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(writerExecutor) {
            try await locked(body)
        }
    }

    private func locked<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let db = writer.sql(queryLogLevel: nil)
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let value = try await body(db)
                try await db.raw("COMMIT").run()
                return value
            } catch {
                do {
                    try await db.raw("ROLLBACK").run()
                } catch {
                    logger.warning("rollback failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                throw error
            }
        }
    }

    /// Writes a consistent copy of the live database to `path` (`VACUUM INTO`), safe while
    /// the server runs.
    func backup(to path: String) async throws {
        try await writeLock.withLock {
            try await writer.sql(queryLogLevel: nil).raw("VACUUM INTO \(bind: path)").run()
        }
    }

    /// Copies the write-ahead log into the main file and empties it.
    func checkpoint() async throws {
        try await writeLock.withLock {
            try await writer.sql(queryLogLevel: nil).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        }
    }

    func close() async {
        for connection in readers + [writer] {
            try? await connection.close()  // closing on shutdown: nothing left to do on failure
        }
        await writerExecutor.shutdown()
    }
}
