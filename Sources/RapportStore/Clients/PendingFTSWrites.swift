import Foundation
import SQLKit

/// SQLite's full-text rows (`client_search`, `client_names`) of a batch of writes, held back
/// and written together at the end of the batch. FTS5 turns every savepoint into a new index
/// segment, so an import's savepoint per row left thousands of tiny segments, which the
/// merges and every later query paid for. While a batch runs (`current` is set), the stores
/// hand their rows here; `SimilarNameStore` also offers the held-back names as candidates, so
/// two alike rows of one batch still find each other. A row rolled back to its savepoint is
/// undone here with `restore(_:)`. Used by one task at a time.
public final class PendingFTSWrites: @unchecked Sendable {
    @TaskLocal public static var current: PendingFTSWrites?

    struct SearchRow: Sendable {
        var entity: String, id: Int64, body: String
    }

    struct NameRow: Sendable {
        var entity: String, id: Int64, matchKey: String, nameKey: String
    }

    /// The state at a point in the batch; dictionaries copy on write, so a mark costs nothing.
    public struct Mark: Sendable {
        let search: [Int64: SearchRow], names: [Int64: NameRow], stale: Set<Int64>
    }

    var search: [Int64: SearchRow] = [:]
    var names: [Int64: NameRow] = [:]
    /// Rowids whose stored rows (from before the batch) must be removed first.
    var stale = Set<Int64>()

    public init() {}

    public func mark() -> Mark { Mark(search: search, names: names, stale: stale) }

    public func restore(_ mark: Mark) {
        search = mark.search
        names = mark.names
        stale = mark.stale
    }

    func putSearch(rowid: Int64, _ row: SearchRow, fresh: Bool) {
        if !fresh { stale.insert(rowid) }
        search[rowid] = row
    }

    func putName(rowid: Int64, _ row: NameRow, fresh: Bool) {
        if !fresh { stale.insert(rowid) }
        names[rowid] = row
    }

    func remove(rowid: Int64) {
        stale.insert(rowid)
        search[rowid] = nil
        names[rowid] = nil
    }

    /// Held-back names of `entity` other than `excluding`, with the chosen key.
    func names(entity: String, key: SimilarNameStore.Key, excluding: Int64?) -> [(id: Int64, key: String)] {
        names.values.filter { $0.entity == entity && $0.id != excluding }
            .map { ($0.id, key == .match ? $0.matchKey : $0.nameKey) }
    }

    /// Writes the held-back rows: stale ones removed, the rest inserted a few hundred per statement.
    public func flush(on db: any SQLDatabase) async throws {
        let stale = Array(self.stale).sorted()
        for start in stride(from: 0, to: stale.count, by: 500) {
            let chunk = Array(stale[start..<min(start + 500, stale.count)])
            try await db.raw("DELETE FROM client_search WHERE rowid IN (\(binds: chunk))").run()
            try await db.raw("DELETE FROM client_names WHERE rowid IN (\(binds: chunk))").run()
        }
        try await BulkInsert(table: "client_search", columns: ["rowid", "entity", "entity_id", "body"])
            .run(search.sorted { $0.key < $1.key }.map { [$0.key, $0.value.entity, $0.value.id, $0.value.body] }, on: db)
        try await BulkInsert(table: "client_names", columns: ["rowid", "entity", "entity_id", "match_key", "name_key"])
            .run(names.sorted { $0.key < $1.key }.map { [$0.key, $0.value.entity, $0.value.id, $0.value.matchKey, $0.value.nameKey] },
                 on: db)
        restore(Mark(search: [:], names: [:], stale: []))
    }
}
