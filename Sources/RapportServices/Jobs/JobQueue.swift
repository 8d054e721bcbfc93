import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What runs one kind of job. `run` may be called again for the same job after a crash or a
/// failed attempt, so it must pick up where the job's own records say it got to.
public protocol JobHandler: Sendable {
    var kind: String { get }
    func run(_ job: Job) async throws
    /// Called once when the job has failed for good (no attempt is left), so the handler's
    /// own records can say so.
    func gaveUp(on job: Job, error: any Error) async throws
}

extension JobHandler {
    public func gaveUp(on job: Job, error: any Error) async throws {}
}

/// An error after which trying again cannot help (a file that is not CSV): the job fails at once.
public struct PermanentJobFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The durable job queue as use cases and workers see it.
public struct JobQueue: Sendable {
    let env: ServiceEnvironment
    let jobs = JobStore()

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// Queues a job in the caller's transaction, so it exists exactly when the change does.
    public static func enqueue(kind: String, payload: String, maxAttempts: Int = 5, by actorID: Int64?, clock: any WallClock,
                               on db: any SQLDatabase) async throws -> Int64 {
        let now = clock.now()
        return try await JobStore().enqueue(
            Job(kind: kind, payload: payload, maxAttempts: maxAttempts, runAt: now, createdAt: now, updatedAt: now,
                createdBy: actorID), on: db)
    }

    public func get(_ id: Int64) async throws -> Job? {
        try await env.database.read { db in try await self.jobs.find(id: id, on: db) }
    }

    public func claim(kinds: [String], worker: String, lease: TimeInterval) async throws -> Job? {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            try await self.jobs.claim(kinds: kinds, worker: worker, now: now, lease: lease, on: db)
        }
    }

    /// Keeps the lease of a running job; false when another worker has taken it over.
    public func extend(_ job: Job, worker: String, lease: TimeInterval) async throws -> Bool {
        let until = env.clock.now().addingTimeInterval(lease)
        return try await env.database.transaction { db in
            try await self.jobs.extend(id: job.id, worker: worker, until: until, on: db)
        }
    }

    public func complete(_ job: Job, worker: String) async throws {
        let now = env.clock.now()
        try await env.database.transaction { db in try await self.jobs.complete(id: job.id, worker: worker, now: now, on: db) }
    }

    /// Records a failed attempt; the job is tried again after a growing pause, unless the
    /// failure is permanent or the attempts are used up. Returns true when it failed for good.
    @discardableResult
    public func fail(_ job: Job, worker: String, error: any Error) async throws -> Bool {
        let now = env.clock.now()
        let permanent = error is PermanentJobFailure || job.attempts >= job.maxAttempts
        let retryAt = permanent ? nil : now.addingTimeInterval(Job.backoff(afterAttempts: job.attempts))
        try await env.database.transaction { db in
            try await self.jobs.fail(id: job.id, worker: worker, error: "\(error)", retryAt: retryAt, now: now, on: db)
        }
        return permanent
    }
}
