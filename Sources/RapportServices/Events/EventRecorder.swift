import RapportDomain
import RapportStore
import SQLKit

/// Appends the event of a change, inside the change's transaction.
struct EventRecorder: Sendable {
    let store = EventStore()
    let clock: any WallClock
    /// Emptied when a change may alter who is signed in or what they may do.
    let authCache: AuthCache?

    /// The entities whose changes alter authentication or access.
    static let accessEntities: Set<String> = ["user", "role", "department", "api_token"]

    init(clock: any WallClock, authCache: AuthCache? = nil) {
        self.clock = clock
        self.authCache = authCache
    }

    func record(_ entity: String, _ id: Int64, _ action: EventAction, changes: [FieldChange] = [],
                by actorID: Int64?, on db: any SQLDatabase) async throws {
        try await store.append(
            Event(id: 0, occurredAt: clock.now(), actorID: actorID, entity: entity, entityID: id,
                  action: action, changes: changes),
            on: db)
        if let authCache, Self.accessEntities.contains(entity) {
            // Now, and again once the change is committed, so no lookup caches the old state.
            authCache.removeAll()
            Database.afterCommit { authCache.removeAll() }
        }
        try await WebhookService.fanOut(entity, id, action, changes: changes, by: actorID, at: clock.now(), on: db)
    }
}
