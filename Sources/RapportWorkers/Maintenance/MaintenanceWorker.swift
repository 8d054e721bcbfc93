import Logging
import RapportServices
import ServiceLifecycle

/// Runs `MaintenanceService.purgeExpired` every `interval` until shutdown. A failed run is
/// logged and retried at the next tick.
public struct MaintenanceWorker: Service {
    let maintenance: MaintenanceService
    let interval: Duration
    let logger: Logger

    public init(maintenance: MaintenanceService, interval: Duration = .seconds(600), logger: Logger) {
        self.maintenance = maintenance
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await maintenance.purgeExpired()
            } catch {
                logger.warning("maintenance run failed", metadata: ["error": "\(error)"])
            }
            let interval = self.interval
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
