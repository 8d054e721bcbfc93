import Foundation
import NIOConcurrencyHelpers

/// Recently authenticated principals by the hash of their credential, kept for `lifetime`
/// seconds so a client making many calls is looked up once, not on every request.
///
/// Anything that changes who may do what (disabling a user, a role's rights, a password, a
/// revoked token, a logout) empties the cache of this process at once; another node sharing a
/// PostgreSQL database sees such a change within `lifetime`.
public final class AuthCache: Sendable {
    public let lifetime: TimeInterval
    private let capacity: Int
    private struct State {
        var entries: [String: (principal: Principal, until: Date)] = [:]
        /// Bumped by every `removeAll`: a lookup that began before it must not be remembered.
        var generation = 0
    }
    private let state = NIOLockedValueBox(State())

    public init(lifetime: TimeInterval = 2, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached principal, or nil and the generation to hand to `remember` after the lookup.
    func principal(for key: String, now: Date) -> (Principal?, generation: Int) {
        state.withLockedValue { state in
            guard let hit = state.entries[key] else { return (nil, state.generation) }
            if hit.until > now { return (hit.principal, state.generation) }
            state.entries[key] = nil
            return (nil, state.generation)
        }
    }

    /// Keeps `principal` unless the cache was emptied since the lookup began (`generation`).
    func remember(_ principal: Principal, for key: String, now: Date, generation: Int) {
        guard lifetime > 0 else { return }
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll() }
            state.entries[key] = (principal, now.addingTimeInterval(lifetime))
        }
    }

    /// Forgets everyone: called on every change to users, roles, departments, tokens, sessions.
    public func removeAll() {
        state.withLockedValue { state in
            state.entries.removeAll()
            state.generation &+= 1
        }
    }
}
