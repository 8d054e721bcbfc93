import Foundation
import RapportDomain
import SQLKit

/// Call lists and their entries.
public struct CallListStore: Sendable {
    public init() {}

    static let listColumns = "id, name, owner_id, query, total, done, created_at, updated_at, version"
    static let entryColumns = """
        id, call_list_id, position, contact_id, phone, outcome, note, interaction_id, task_id, called_by, called_at
        """

    /// The lists of one owner (or everyone's when `ownerID` is nil), newest first.
    public func lists(ownerID: Int64?, on db: any SQLDatabase) async throws -> [CallList] {
        let filter: SQLQueryString = ownerID.map { "WHERE owner_id = \(bind: $0)" } ?? ""
        return try await db.raw("SELECT \(unsafeRaw: Self.listColumns) FROM call_lists \(filter) ORDER BY id DESC LIMIT 200")
            .all().map(Self.decodeList)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> CallList? {
        try await db.raw("SELECT \(unsafeRaw: Self.listColumns) FROM call_lists WHERE id = \(bind: id)").first().map(Self.decodeList)
    }

    /// A new list with its entries (numbered from 1 in the order given).
    public func insert(_ list: CallList, contacts: [(contactID: Int64, phone: String)], on db: any SQLDatabase) async throws -> Int64 {
        let id = try await db.raw("""
            INSERT INTO call_lists (name, owner_id, query, total, done, created_at, updated_at, version)
            VALUES (\(bind: list.name), \(bind: list.ownerID), \(bind: list.query), \(bind: contacts.count), 0,
                \(bind: list.createdAt.millis), \(bind: list.updatedAt.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        let rows: [[any Encodable & Sendable]] = contacts.enumerated().map { n, c in [id, n + 1, c.contactID, c.phone] }
        try await BulkInsert(table: "call_list_entries", columns: ["call_list_id", "position", "contact_id", "phone"]).run(rows, on: db)
        return id
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM call_list_entries WHERE call_list_id = \(bind: id)").run()
        try await db.raw("DELETE FROM call_lists WHERE id = \(bind: id)").run()
    }

    /// Entries in order; only those still to call when `pendingOnly`.
    public func entries(listID: Int64, pendingOnly: Bool = false, limit: Int = 10_000, on db: any SQLDatabase) async throws
        -> [CallListEntry]
    {
        let pending: SQLQueryString = pendingOnly ? "AND outcome IS NULL" : ""
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.entryColumns) FROM call_list_entries WHERE call_list_id = \(bind: listID) \(pending)
            ORDER BY position LIMIT \(literal: limit)
            """).all().map(Self.decodeEntry)
    }

    public func entry(id: Int64, listID: Int64, on db: any SQLDatabase) async throws -> CallListEntry? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.entryColumns) FROM call_list_entries WHERE id = \(bind: id) AND call_list_id = \(bind: listID)
            """).first().map(Self.decodeEntry)
    }

    /// Writes an entry's result once: false when it was recorded meanwhile.
    public func record(_ e: CallListEntry, on db: any SQLDatabase) async throws -> Bool {
        let updated = try await db.raw("""
            UPDATE call_list_entries SET outcome = \(bind: e.outcome?.rawValue), note = \(bind: e.note),
                interaction_id = \(bind: e.interactionID), task_id = \(bind: e.taskID), called_by = \(bind: e.calledBy),
                called_at = \(bind: e.calledAt?.millis)
            WHERE id = \(bind: e.id) AND outcome IS NULL
            RETURNING id
            """).first() != nil
        if updated {
            try await db.raw("""
                UPDATE call_lists SET done = done + 1, updated_at = \(bind: (e.calledAt ?? Date()).millis), version = version + 1
                WHERE id = \(bind: e.listID)
                """).run()
        }
        return updated
    }

    static func decodeList(_ row: any SQLRow) throws -> CallList {
        CallList(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                 ownerID: try row.decode(column: "owner_id", as: Int64.self), query: try row.decode(column: "query", as: String.self),
                 total: try row.decode(column: "total", as: Int.self), done: try row.decode(column: "done", as: Int.self),
                 createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                 updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                 version: try row.decode(column: "version", as: Int64.self))
    }

    static func decodeEntry(_ row: any SQLRow) throws -> CallListEntry {
        var entry = CallListEntry(id: try row.decode(column: "id", as: Int64.self),
                                  listID: try row.decode(column: "call_list_id", as: Int64.self),
                                  position: try row.decode(column: "position", as: Int.self),
                                  contactID: try row.decode(column: "contact_id", as: Int64.self),
                                  phone: try row.decode(column: "phone", as: String.self))
        entry.outcome = try row.decode(column: "outcome", as: String?.self).flatMap(CallListEntry.Outcome.init(rawValue:))
        entry.note = try row.decode(column: "note", as: String?.self)
        entry.interactionID = try row.decode(column: "interaction_id", as: Int64?.self)
        entry.taskID = try row.decode(column: "task_id", as: Int64?.self)
        entry.calledBy = try row.decode(column: "called_by", as: Int64?.self)
        entry.calledAt = try row.decode(column: "called_at", as: Int64?.self).map(Date.init(millis:))
        return entry
    }
}
