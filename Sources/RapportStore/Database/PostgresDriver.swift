import Logging
import NIOConcurrencyHelpers
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
    /// waiting for a server that is gone may not notice for a long time; so the two are raced
    /// in unstructured tasks and the loser is cancelled and left to finish on its own.
    private func withDeadline<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = operationTimeout
        let gate = NIOLockedValueBox<CheckedContinuation<T, any Error>?>(nil)
        let work = NIOLockedValueBox<[Task<Void, Never>]>([])
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                gate.withLockedValue { $0 = continuation }
                @Sendable func finish(_ result: Result<T, any Error>) {
                    guard let waiting = gate.withLockedValue({ value -> CheckedContinuation<T, any Error>? in
                        defer { value = nil }
                        return value
                    }) else { return }
                    work.withLockedValue { $0.forEach { $0.cancel() } }
                    waiting.resume(with: result)
                }
                let operation = Task {
                    do {
                        finish(.success(try await body()))
                    } catch {
                        finish(.failure(error))
                    }
                }
                let timer = Task {
                    if (try? await Task.sleep(for: timeout)) != nil {
                        finish(.failure(DatabaseUnavailable(reason: "PostgreSQL did not answer within \(timeout)")))
                    }
                }
                work.withLockedValue { $0 = [operation, timer] }
            }
        } onCancel: {
            work.withLockedValue { $0.forEach { $0.cancel() } }
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
