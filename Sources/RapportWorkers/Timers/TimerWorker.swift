import Logging
import RapportServices
import ServiceLifecycle

/// Fires due timers every `interval` until shutdown; a full batch is followed at once by
/// the next, so ten thousand timers due in one minute all fire within it.
public struct TimerWorker: Service {
    let timers: TimerService
    let interval: Duration
    let batch: Int
    let logger: Logger

    public init(timers: TimerService, interval: Duration = .seconds(1), batch: Int = 500, logger: Logger) {
        self.timers = timers
        self.interval = interval
        self.batch = batch
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var fired = 0
            do {
                fired = try await timers.fireDue(limit: batch)
            } catch {
                logger.warning("timers could not fire", metadata: ["error": "\(error)"])
            }
            if fired == batch { continue }
            let interval = self.interval
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
