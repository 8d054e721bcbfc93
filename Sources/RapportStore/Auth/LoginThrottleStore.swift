import Foundation
import RapportDomain
import SQLKit

/// Failed sign-in counts per key (`account:<email>` or `address:<ip>`), kept in the database
/// so the limit holds across restarts and across nodes.
public struct LoginThrottleStore: Sendable {
    public init() {}

    public typealias State = LoginThrottle.State

    public func state(key: String, on db: any SQLDatabase) async throws -> State? {
        try await db.raw("""
            SELECT failures, window_started_at, locked_until FROM login_throttle WHERE key = \(bind: key)
            """).first().map {
            State(
                failures: try $0.decode(column: "failures", as: Int.self),
                windowStartedAt: Date(millis: try $0.decode(column: "window_started_at", as: Int64.self)),
                lockedUntil: try $0.decode(column: "locked_until", as: Int64?.self).map(Date.init(millis:))
            )
        }
    }

    public func save(key: String, state: State, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM login_throttle WHERE key = \(bind: key)").run()
        try await db.raw("""
            INSERT INTO login_throttle (key, failures, window_started_at, locked_until)
            VALUES (\(bind: key), \(bind: state.failures), \(bind: state.windowStartedAt.millis),
                    \(bind: state.lockedUntil?.millis))
            """).run()
    }

    public func clear(key: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM login_throttle WHERE key = \(bind: key)").run()
    }
}
