import NIOPosix

/// A task executor that runs jobs on the one thread of its own `NIOThreadPool`.
///
/// The SQLite writer connection does its blocking work on that same pool, and the write
/// transaction runs with this executor as its preference: every statement's hop to SQLite
/// and back then stays on one thread, instead of waking a pool thread and then a
/// concurrency thread per statement. That wake-up latency, not SQLite, was what bounded
/// the number of write transactions per second.
final class ThreadTaskExecutor: TaskExecutor {
    let pool: NIOThreadPool

    init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()  // only at close; nothing is waiting on it then
    }
}
