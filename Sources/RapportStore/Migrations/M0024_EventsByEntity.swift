/// The newest event of a kind of record in one index step: open boards ask every few seconds
/// whether any lead or deal changed (`EventStore.latestID`).
struct M0024_EventsByEntity: Migration {
    let version = 24
    let name = "events by entity"

    func statements(for dialect: DatabaseKind) -> [String] {
        ["CREATE INDEX events_entity ON events (entity, id)"]
    }
}
