import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// A PostgreSQL connection reads and writes on its event loop; an operation that runs with
/// this executor (the loop of its connection) as its preference sends each statement and
/// takes its rows on that one thread, instead of waking a concurrency thread and the loop's
/// thread per statement. The page that reads twenty things pays for one hop, not forty.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
