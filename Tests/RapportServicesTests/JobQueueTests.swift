import Foundation
import Logging
import NIOConcurrencyHelpers
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import RapportWorkers
import Testing

/// A handler that counts its runs and fails its first `failures` attempts.
final class CountingHandler: JobHandler, Sendable {
    let kind: String
    let failures: Int
    let permanent: Bool
    private let runs = NIOLockedValueBox<[Int64]>([])

    init(kind: String = "test", failures: Int = 0, permanent: Bool = false) {
        self.kind = kind; self.failures = failures; self.permanent = permanent
    }

    var ran: [Int64] { runs.withLockedValue { $0 } }

    func run(_ job: Job) async throws {
        let count = runs.withLockedValue { $0.append(job.id); return $0.filter { $0 == job.id }.count }
        if count <= failures {
            if permanent { throw PermanentJobFailure("not a CSV file") }
            throw RapportError.unavailable("flaky")
        }
    }
}

@Suite struct JobQueueTests {
    static func enqueue(_ harness: TestHarness, kind: String = "test") async throws -> Int64 {
        try await harness.database.transaction { db in
            try await JobQueue.enqueue(kind: kind, payload: "{}", maxAttempts: 3, by: nil, clock: harness.clock, on: db)
        }
    }

    static func worker(_ harness: TestHarness, _ handlers: [any JobHandler], name: String = "w1") -> JobWorker {
        var logger = Logger(label: "rapport.test.jobs")
        logger.logLevel = .critical
        return JobWorker(queue: harness.services.jobs, handlers: handlers, name: name, lease: 30, logger: logger)
    }

    @Test(arguments: TestDatabase.kinds)
    func a_job_runs_once_retries_with_backoff_and_fails_for_good(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let queue = harness.services.jobs
            let flaky = CountingHandler(failures: 1)
            let worker = Self.worker(harness, [flaky])
            let id = try await Self.enqueue(harness)
            // MUT: the first attempt fails and is queued again after the backoff
            #expect(try await worker.runNext())
            var job = try #require(try await queue.get(id))
            #expect(job.state == .queued && job.attempts == 1 && job.lastError?.contains("flaky") == true)
            #expect(try await worker.runNext() == false, "not due before the backoff")
            harness.clock.advance(by: Job.backoff(afterAttempts: 1))
            #expect(try await worker.runNext())
            job = try #require(try await queue.get(id))
            #expect(job.state == .done && job.attempts == 2)
            #expect(try await worker.runNext() == false)
            #expect(flaky.ran == [id, id])
            // a permanent failure fails at once; used-up attempts too
            let broken = CountingHandler(kind: "broken", failures: 10, permanent: true)
            let brokenID = try await Self.enqueue(harness, kind: "broken")
            #expect(try await Self.worker(harness, [broken]).runNext())
            #expect(try await queue.get(brokenID)?.state == .failed)
            let hopeless = CountingHandler(kind: "hopeless", failures: 10)
            let hopelessID = try await Self.enqueue(harness, kind: "hopeless")
            for _ in 0..<3 {
                #expect(try await Self.worker(harness, [hopeless]).runNext())
                harness.clock.advance(by: 3600)
            }
            #expect(try await queue.get(hopelessID)?.state == .failed)
            #expect(hopeless.ran.count == 3)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_job_of_a_dead_worker_is_taken_over_when_its_lease_runs_out(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let queue = harness.services.jobs
            let id = try await Self.enqueue(harness)
            // a worker claims it and dies
            let claimed = try #require(try await queue.claim(kinds: ["test"], worker: "dead", lease: 30))
            #expect(claimed.id == id)
            let handler = CountingHandler()
            let alive = Self.worker(harness, [handler], name: "alive")
            #expect(try await alive.runNext() == false, "held while the lease lasts")
            harness.clock.advance(by: 31)
            #expect(try await alive.runNext())
            let job = try #require(try await queue.get(id))
            #expect(job.state == .done && job.attempts == 2 && handler.ran == [id])
            // the dead worker coming back cannot touch it
            #expect(try await queue.extend(claimed, worker: "dead", lease: 30) == false)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func concurrent_claims_never_share_a_job(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            var ids: [Int64] = []
            for _ in 0..<40 { ids.append(try await Self.enqueue(harness)) }
            let queue = harness.services.jobs
            // MUT: eight claimers at once until the queue is empty
            let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [Int64] = []
                        while let job = try await queue.claim(kinds: ["test"], worker: "w\(worker)", lease: 60) {
                            mine.append(job.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            // validation: every job exactly once
            #expect(claimed.sorted() == ids)
        }
    }
}
