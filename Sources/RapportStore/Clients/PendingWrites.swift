import Foundation
import RapportDomain
import SQLKit

/// The rows of a batch of writes that nothing reads back before the batch ends — full-text
/// rows (`client_search`, and `client_names` on SQLite) and events — held back and written
/// together at its end, a few hundred per statement.
///
/// An import writes a few hundred rows per transaction, each in its own savepoint: written
/// one by one these were a third of its statements, and on SQLite FTS5 turned every
/// savepoint into a new index segment (thousands of tiny segments that the merges and every
/// later query paid for). While a batch runs (`current` is set), the stores hand their rows
/// here; `SimilarNameStore` also offers the held-back names as candidates, so two alike rows
/// of one batch still find each other. A row rolled back to its savepoint is undone here with
/// `restore(_:)`. Used by one task at a time.
public final class PendingWrites: @unchecked Sendable {
    @TaskLocal public static var current: PendingWrites?

    struct SearchRow: Sendable {
        var entity: String, id: Int64, body: String
    }

    struct NameRow: Sendable {
        var entity: String, id: Int64, matchKey: String, nameKey: String
    }

    /// The state at a point in the batch; collections copy on write, so a mark costs nothing.
    public struct Mark: Sendable {
        let search: [Int64: SearchRow], names: [Int64: NameRow], stale: [Int64: (entity: String, id: Int64)],
            events: [Event]
    }

    /// Keyed by `FTSRowID` (SQLite's rowid; on PostgreSQL only a key for the record).
    var search: [Int64: SearchRow] = [:]
    var names: [Int64: NameRow] = [:]
    /// Records whose stored rows (from before the batch) must be removed first.
    var stale: [Int64: (entity: String, id: Int64)] = [:]
    var events: [Event] = []

    public init() {}

    public func mark() -> Mark { Mark(search: search, names: names, stale: stale, events: events) }

    public func restore(_ mark: Mark) {
        search = mark.search
        names = mark.names
        stale = mark.stale
        events = mark.events
    }

    func putSearch(_ row: SearchRow, fresh: Bool) {
        let key = FTSRowID.make(entity: row.entity, id: row.id)
        if !fresh { stale[key] = (row.entity, row.id) }
        search[key] = row
    }

    func putName(_ row: NameRow, fresh: Bool) {
        let key = FTSRowID.make(entity: row.entity, id: row.id)
        if !fresh { stale[key] = (row.entity, row.id) }
        names[key] = row
    }

    func remove(entity: String, id: Int64) {
        let key = FTSRowID.make(entity: entity, id: id)
        stale[key] = (entity, id)
        search[key] = nil
        names[key] = nil
    }

    func putEvent(_ event: Event) {
        events.append(event)
    }

    /// Held-back names of `entity` other than `excluding`, with the chosen key.
    func names(entity: String, key: SimilarNameStore.Key, excluding: Int64?) -> [(id: Int64, key: String)] {
        names.values.filter { $0.entity == entity && $0.id != excluding }
            .map { ($0.id, key == .match ? $0.matchKey : $0.nameKey) }
    }

    /// Writes the held-back rows: stale ones removed, the rest inserted a few hundred per statement.
    public func flush(on db: any SQLDatabase) async throws {
        let sqlite = db.dialect.name == "sqlite"
        let stale = self.stale.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: stale.count, by: 500) {
            let chunk = stale[start..<min(start + 500, stale.count)]
            if sqlite {
                let rowids = chunk.map(\.key)
                try await db.raw("DELETE FROM client_search WHERE rowid IN (\(binds: rowids))").run()
                try await db.raw("DELETE FROM client_names WHERE rowid IN (\(binds: rowids))").run()
            } else {
                for (entity, records) in Dictionary(grouping: chunk.map(\.value), by: \.entity) {
                    try await db.raw("""
                        DELETE FROM client_search WHERE entity = \(bind: entity) AND entity_id IN (\(binds: records.map(\.id)))
                        """).run()
                }
            }
        }
        let search = self.search.sorted { $0.key < $1.key }
        if sqlite {
            try await BulkInsert(table: "client_search", columns: ["rowid", "entity", "entity_id", "body"])
                .run(search.map { [$0.key, $0.value.entity, $0.value.id, $0.value.body] }, on: db)
            try await BulkInsert(table: "client_names", columns: ["rowid", "entity", "entity_id", "match_key", "name_key"])
                .run(names.sorted { $0.key < $1.key }
                    .map { [$0.key, $0.value.entity, $0.value.id, $0.value.matchKey, $0.value.nameKey] }, on: db)
        } else {
            try await BulkInsert(table: "client_search", columns: ["entity", "entity_id", "body"])
                .run(search.map { [$0.value.entity, $0.value.id, $0.value.body] }, on: db)
        }
        try await BulkInsert(table: "events", columns: [
            "occurred_at", "actor_id", "entity", "entity_id", "action", "changes", "owner_id",
        ]).run(events.map { event in
            [event.occurredAt.millis, event.actorID, event.entity, event.entityID, event.action.rawValue,
             JSONText.encode(event.changes), event.actorID]
        }, on: db)
        restore(Mark(search: [:], names: [:], stale: [:], events: []))
    }
}
