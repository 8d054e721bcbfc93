import Foundation
import RapportStore

/// Housekeeping: forgetting expired sessions and old idempotency keys, keeping the query
/// planner's statistics current.
public struct MaintenanceService: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// Deletes sessions past their expiry and idempotency keys older than a day.
    public func purgeExpired() async throws {
        let now = env.clock.now()
        try await env.database.transaction { db in
            try await SessionStore().deleteExpired(before: now, on: db)
            try await IdempotencyStore().deleteOlder(than: now.addingTimeInterval(-24 * 3600), on: db)
        }
        try await env.database.refreshStatistics()
    }
}
