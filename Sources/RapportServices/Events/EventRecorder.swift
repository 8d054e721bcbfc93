import RapportDomain
import RapportStore
import SQLKit

/// Appends the event of a change, inside the change's transaction.
struct EventRecorder: Sendable {
    let store = EventStore()
    let clock: any WallClock

    func record(_ entity: String, _ id: Int64, _ action: EventAction, changes: [FieldChange] = [],
                by actorID: Int64?, on db: any SQLDatabase) async throws {
        try await store.append(
            Event(id: 0, occurredAt: clock.now(), actorID: actorID, entity: entity, entityID: id,
                  action: action, changes: changes),
            on: db)
    }
}
