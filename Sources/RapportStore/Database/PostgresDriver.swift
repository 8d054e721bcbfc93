import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL through a `PostgresClient` pool; transactions on one leased connection.
///
/// Each operation waits at most `operationTimeout` for the server: while PostgreSQL is down
/// requests fail fast with `unavailable` (503) instead of hanging, and the pool reconnects on
/// its own once the server is back.
final class PostgresDriver: DatabaseDriver {
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let logger: Logger
    private let operationTimeout: Duration

    init(host: String, port: Int, user: String, password: String?, database: String, maxConnections: Int,
         operationTimeout: Duration, logger: Logger) {
        var config = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        config.options.maximumConnections = maxConnections
        config.options.minimumConnections = 0
        config.options.connectTimeout = .seconds(3)
        let client = PostgresClient(configuration: config, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.operationTimeout = operationTimeout
        self.runTask = Task { await client.run() }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDeadline {
            try await self.client.withConnection { connection in
                try await body(connection.sql(queryLogLevel: nil))
            }
        }
    }

    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDeadline {
            try await self.client.withConnection { connection in
                let db = connection.sql(queryLogLevel: nil)
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

    /// Runs `body`, but answers `DatabaseUnavailable` once `operationTimeout` has passed.
    ///
    /// A task group would wait for `body` to notice its cancellation, and a pool request
    /// waiting for a server that is gone may not notice for a long time; so `body` runs in its
    /// own task and a timer on an event loop (cheaper than a sleeping task per query) answers
    /// in its place when it is late. Whichever comes second finds the answer given and stops.
    private func withDeadline<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = operationTimeout
        let state = NIOLockedValueBox(DeadlineState<T>())
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                state.withLockedValue { $0.continuation = continuation }
                let operation = Task {
                    let result: Result<T, any Error>
                    do { result = .success(try await body()) } catch { result = .failure(error) }
                    let (waiting, timer) = state.withLockedValue { ($0.finish(), $0.timer) }
                    timer?.cancel()
                    waiting?.resume(with: result)
                }
                let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
                let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(nanoseconds)) {
                    let late: Result<T, any Error> = .failure(
                        DatabaseUnavailable(reason: "PostgreSQL did not answer within \(timeout)"))
                    if let waiting = state.withLockedValue({ $0.finish() }) {
                        operation.cancel()
                        waiting.resume(with: late)
                    }
                }
                let answered = state.withLockedValue { value -> Bool in
                    value.timer = timer
                    value.stop = { operation.cancel(); timer.cancel() }
                    return value.continuation == nil
                }
                if answered { timer.cancel() }
            }
        } onCancel: {
            state.withLockedValue { $0.stop }?()
        }
    }

    func close() async {
        runTask.cancel()
        _ = await runTask.value
    }
}

/// The database did not answer in time or refused the connection.
public struct DatabaseUnavailable: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}

/// The race between a database operation and its deadline: the first to finish takes the
/// continuation, the second finds it gone.
private struct DeadlineState<T: Sendable>: Sendable {
    var continuation: CheckedContinuation<T, any Error>?
    var stop: (@Sendable () -> Void)?
    var timer: Scheduled<Void>?

    /// Takes the continuation if nobody has answered yet.
    mutating func finish() -> CheckedContinuation<T, any Error>? {
        defer { continuation = nil }
        return continuation
    }
}
