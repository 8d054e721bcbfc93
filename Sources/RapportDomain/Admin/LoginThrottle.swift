import Foundation

/// The rule for failed sign-ins: after `maxFailures` failures within `window`, the key
/// (an account or an address) is locked for `lockout`; a success clears it.
public struct LoginThrottle: Sendable, Equatable {
    public var maxFailures: Int
    public var window: TimeInterval
    public var lockout: TimeInterval

    public init(maxFailures: Int = 5, window: TimeInterval = 15 * 60, lockout: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
        self.lockout = lockout
    }

    /// Failures so far and when their window began; `lockedUntil` set once the limit is hit.
    public struct State: Sendable, Equatable {
        public var failures: Int
        public var windowStartedAt: Date
        public var lockedUntil: Date?

        public init(failures: Int, windowStartedAt: Date, lockedUntil: Date?) {
            self.failures = failures
            self.windowStartedAt = windowStartedAt
            self.lockedUntil = lockedUntil
        }
    }

    /// Seconds the caller must wait before trying again, or nil when an attempt is allowed now.
    public func retryAfter(_ state: State?, now: Date) -> Int? {
        guard let until = state?.lockedUntil, until > now else { return nil }
        return max(1, Int(until.timeIntervalSince(now).rounded(.up)))
    }

    /// The state after one more failure at `now`.
    public func failed(_ state: State?, now: Date) -> State {
        var next = state ?? State(failures: 0, windowStartedAt: now, lockedUntil: nil)
        if now.timeIntervalSince(next.windowStartedAt) > window || (next.lockedUntil.map { $0 <= now } ?? false) {
            next = State(failures: 0, windowStartedAt: now, lockedUntil: nil)
        }
        next.failures += 1
        if next.failures >= maxFailures { next.lockedUntil = now.addingTimeInterval(lockout) }
        return next
    }
}
