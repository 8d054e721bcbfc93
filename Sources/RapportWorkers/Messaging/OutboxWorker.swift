import Logging
import RapportServices
import ServiceLifecycle

/// Delivers the outbox until shutdown: a full batch is followed at once by the next, otherwise
/// it looks again after `interval`.
public struct OutboxWorker: Service {
    let outbox: OutboxService
    let interval: Duration
    let batch: Int
    let logger: Logger

    public init(outbox: OutboxService, interval: Duration = .seconds(1), batch: Int = 100, logger: Logger) {
        self.outbox = outbox
        self.interval = interval
        self.batch = batch
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var tried = 0
            do {
                tried = try await outbox.deliverDue(limit: batch)
            } catch {
                logger.warning("the outbox could not deliver", metadata: ["error": "\(error)"])
            }
            if tried == batch { continue }
            let pause = interval
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
        }
    }
}
