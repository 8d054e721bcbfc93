import Foundation
import Logging
import RapportDomain
import RapportServices
import ServiceLifecycle

/// Runs queued jobs one at a time until shutdown: claims the next due job, runs its handler
/// while renewing the lease, then marks it done or failed. A job whose worker died is taken
/// over when its lease runs out; a job whose lease this worker lost is abandoned.
public struct JobWorker: Service {
    let queue: JobQueue
    let handlers: [String: any JobHandler]
    let name: String
    let lease: TimeInterval
    let idlePause: Duration
    let logger: Logger

    public init(queue: JobQueue, handlers: [any JobHandler], name: String = JobWorker.defaultName(),
                lease: TimeInterval = 60, idlePause: Duration = .milliseconds(500), logger: Logger) {
        self.queue = queue
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { a, _ in a })
        self.name = name
        self.lease = lease
        self.idlePause = idlePause
        self.logger = logger
    }

    /// Unique per process: host, process id and a random part.
    public static func defaultName() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let ranOne: Bool
            do {
                ranOne = try await runNext()
            } catch {
                logger.warning("job queue unavailable", metadata: ["error": "\(error)"])
                ranOne = false
            }
            if ranOne { continue }
            let pause = idlePause
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
        }
    }

    /// Claims and runs one due job; false when none was due.
    @discardableResult
    public func runNext() async throws -> Bool {
        guard let job = try await queue.claim(kinds: Array(handlers.keys), worker: name, lease: lease),
              let handler = handlers[job.kind]
        else { return false }
        let metadata: Logger.Metadata = ["job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempts)"]
        logger.info("job started", metadata: metadata)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await handler.run(job) }
                group.addTask { try await keepLease(job) }
                // The handler finishing (or failing) ends the lease keeper; a lost lease ends the handler.
                try await group.next()
                group.cancelAll()
            }
            try await queue.complete(job, worker: name)
            logger.info("job done", metadata: metadata)
        } catch is LeaseLost {
            logger.warning("job taken over by another worker", metadata: metadata)
        } catch {
            logger.error("job failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            if try await queue.fail(job, worker: name, error: error) {
                try await handler.gaveUp(on: job, error: error)
            }
        }
        return true
    }

    struct LeaseLost: Error {}

    /// Renews the lease every third of its length; throws `LeaseLost` when it cannot.
    func keepLease(_ job: Job) async throws {
        while true {
            try await Task.sleep(for: .milliseconds(Int(lease * 1000 / 3)))
            guard try await queue.extend(job, worker: name, lease: lease) else { throw LeaseLost() }
        }
    }
}
