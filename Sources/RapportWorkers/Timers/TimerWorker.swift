import Logging
import RapportServices
import ServiceLifecycle

/// Fires due timers until shutdown: a full batch is followed at once by the next, and between
/// batches it sleeps until the next timer is due (at most `interval`), so a timer fires at its
/// moment and ten thousand due in one minute all fire within it. On PostgreSQL several lanes
/// fire at once (each claim skips the timers another lane holds), in smaller batches, so no
/// lane holds the rows it changes for long.
public struct TimerWorker: Service {
    let timers: TimerService
    let interval: Duration
    let logger: Logger

    public init(timers: TimerService, interval: Duration = .seconds(1), logger: Logger) {
        self.timers = timers
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let (lanes, batch) = timers.firesInParallel ? (4, 100) : (1, 500)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<lanes { group.addTask { await lane(batch: batch) } }
        }
    }

    func lane(batch: Int) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var fired = 0
            var wait = interval
            do {
                fired = try await timers.fireDue(limit: batch)
                if fired == batch { continue }
                // Not before 20 ms: a timer due already but held by another lane or node is theirs.
                if let next = try await timers.untilNextDue() { wait = max(.milliseconds(20), min(interval, next)) }
            } catch {
                logger.warning("timers could not fire", metadata: ["error": "\(error)"])
            }
            let pause = wait
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
        }
    }
}
