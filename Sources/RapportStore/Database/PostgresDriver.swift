@preconcurrency import AsyncKit
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through a pool of connections (async-kit's `EventLoopGroupConnectionPool`);
/// a transaction runs on one leased connection, and each operation runs on its
/// connection's event loop (`EventLoopTaskExecutor`).
///
/// Not `PostgresClient`: measured here, its pool kept about 1.5 KB per query for good
/// (300 MB after a few minutes of load), while single connections and this pool stay flat.
///
/// Each operation waits at most `operationTimeout` for the server: while PostgreSQL is down
/// requests fail fast with `unavailable` (503) instead of hanging, and the pool opens new
/// connections on its own once the server is back.
///
/// `@unchecked Sendable`: async-kit predates Sendable annotations; its group pool guards its
/// state with a lock and hands each request to the per-event-loop pool on that loop.
final class PostgresDriver: DatabaseDriver, @unchecked Sendable {
    private let pool: EventLoopGroupConnectionPool<PostgresConnectionSource>
    private let logger: Logger
    private let operationTimeout: Duration
    private let executors: EventLoopExecutors

    init(host: String, port: Int, user: String, password: String?, database: String, maxConnections: Int,
         operationTimeout: Duration, logger: Logger) {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(3)
        let group = MultiThreadedEventLoopGroup.singleton
        let loops = Array(group.makeIterator())
        self.executors = EventLoopExecutors(loops: loops)
        self.pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: SQLPostgresConfiguration(coreConfiguration: configuration)),
            maxConnectionsPerEventLoop: max(1, maxConnections / max(1, loops.count)),
            requestTimeout: .seconds(5), pruneInterval: .seconds(60), logger: logger, on: group)
        self.logger = logger
        self.operationTimeout = operationTimeout
    }

    /// Runs `body` on a connection of the pool of `loop`, released when `body` ends.
    private func withConnection<T: Sendable>(on loop: any EventLoop,
                                             _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let pool = self.pool.pool(for: loop)
        let connection = try await pool.requestConnection(logger: logger).get()
        do {
            let value = try await body(connection)
            pool.releaseConnection(connection, logger: logger)
            return value
        } catch {
            pool.releaseConnection(connection, logger: logger)
            throw error
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDeadline { loop in
            try await self.withConnection(on: loop) { connection in
                try await body(PostgresSession(connection: connection))
            }
        }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDeadline { loop in
            try await self.withConnection(on: loop) { connection in
                let db = PostgresSession(connection: connection)
                try await db.raw("BEGIN").run()
                do {
                    let value = try await body(db)
                    try await db.raw("COMMIT").run()
                    return value
                } catch {
                    do {
                        try await db.raw("ROLLBACK").run()
                    } catch {
                        self.logger.warning("rollback failed", metadata: ["error": "\(String(reflecting: error))"])
                    }
                    throw error
                }
            }
        }
    }

    /// Runs `body` on a connection of the next event loop (with that loop as its executor, so
    /// its statements never leave the loop's thread; not for long operations), but answers
    /// `DatabaseUnavailable` once `operationTimeout` has passed.
    ///
    /// A task group would wait for `body` to notice its cancellation, and a pool request
    /// waiting for a server that is gone may not notice for a long time; so `body` runs in its
    /// own task and a timer on the loop (cheaper than a sleeping task per query) answers in
    /// its place when it is late. Whichever comes second finds the answer given and stops.
    private func withDeadline<T: Sendable>(_ body: @escaping @Sendable (any EventLoop) async throws -> T)
        async throws -> T
    {
        let timeout = Database.longOperationLimit ?? operationTimeout
        let executor = executors.next()
        let loop = executor.loop
        let state = NIOLockedValueBox(DeadlineState<T>())
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                state.withLockedValue { $0.continuation = continuation }
                // A long operation (an import batch, an export) does much of its own work between
                // statements: on the loop it would hold up that loop's other connections.
                let preference: EventLoopTaskExecutor? = Database.longOperationLimit == nil ? executor : nil
                let operation = Task(executorPreference: preference) {
                    let result: Result<T, any Error>
                    do { result = .success(try await body(loop)) } catch { result = .failure(error) }
                    let (waiting, timer) = state.withLockedValue { $0.finish() }
                    timer?.cancel()
                    waiting?.resume(with: result)
                }
                let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
                let timer = loop.scheduleTask(in: .nanoseconds(nanoseconds)) {
                    let (waiting, _) = state.withLockedValue { $0.finish() }
                    guard let waiting else { return }
                    operation.cancel()
                    waiting.resume(throwing: DatabaseUnavailable(reason: "PostgreSQL did not answer within \(timeout)"))
                }
                let answered = state.withLockedValue { value -> Bool in
                    guard value.continuation != nil else { return true }
                    value.timer = timer
                    value.operation = operation
                    return false
                }
                if answered { timer.cancel() }
            }
        } onCancel: {
            let (operation, timer) = state.withLockedValue { ($0.operation, $0.timer) }
            operation?.cancel()
            timer?.cancel()
        }
    }

    func close() async {
        do {
            try await pool.shutdownAsync()
        } catch {
            logger.warning("closing the PostgreSQL pool failed", metadata: ["error": "\(error)"])
        }
    }
}

/// The database did not answer in time or refused the connection.
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// The race between a database operation and its deadline: the first to finish takes the
/// continuation, the second finds it gone. Finishing also drops the timer and the task, which
/// refer back to this state: kept, they would hold each other alive forever.
private struct DeadlineState<T: Sendable>: Sendable {
    var continuation: CheckedContinuation<T, any Error>?
    var timer: Scheduled<Void>?
    var operation: Task<Void, Never>?

    /// Takes the continuation (if nobody has answered yet) and the timer, and lets go of both.
    mutating func finish() -> (CheckedContinuation<T, any Error>?, Scheduled<Void>?) {
        defer {
            continuation = nil
            timer = nil
            operation = nil
        }
        return (continuation, timer)
    }
}

/// One `EventLoopTaskExecutor` per loop of the group, handed out in turn.
private final class EventLoopExecutors: Sendable {
    private let executors: [EventLoopTaskExecutor]
    private let turn = NIOLockedValueBox(0)

    init(loops: [any EventLoop]) {
        executors = loops.map(EventLoopTaskExecutor.init(loop:))
    }

    func next() -> EventLoopTaskExecutor {
        let index = turn.withLockedValue { value -> Int in
            value = (value + 1) % executors.count
            return value
        }
        return executors[index]
    }
}
