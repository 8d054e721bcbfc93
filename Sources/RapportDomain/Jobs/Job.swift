import Foundation

/// A piece of background work (an import, a big export), kept in the database so it
/// survives a restart: queued → running (held by one worker under a lease) → done or failed.
public struct Job: Equatable, Sendable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case queued, running, done, failed
    }

    public var id: Int64
    public var kind: String
    /// JSON the job's handler understands.
    public var payload: String
    public var state: State
    public var attempts: Int
    public var maxAttempts: Int
    /// Not to be started before this.
    public var runAt: Date
    /// The worker holding a running job, and until when; a lease that ran out means the
    /// worker died, and another may take the job over.
    public var lockedBy: String?
    public var lockedUntil: Date?
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: Int64?

    public init(id: Int64 = 0, kind: String, payload: String, state: State = .queued, attempts: Int = 0,
                maxAttempts: Int = 5, runAt: Date, lockedBy: String? = nil, lockedUntil: Date? = nil,
                lastError: String? = nil, createdAt: Date, updatedAt: Date, createdBy: Int64? = nil) {
        self.id = id; self.kind = kind; self.payload = payload; self.state = state; self.attempts = attempts
        self.maxAttempts = maxAttempts; self.runAt = runAt; self.lockedBy = lockedBy; self.lockedUntil = lockedUntil
        self.lastError = lastError; self.createdAt = createdAt; self.updatedAt = updatedAt; self.createdBy = createdBy
    }

    /// The wait before attempt `attempts + 1`: 5 s, 10 s, 20 s … at most an hour.
    public static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(3600, 5 * pow(2, Double(max(0, attempts - 1))))
    }
}
