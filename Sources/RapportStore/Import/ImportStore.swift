import Foundation
import RapportDomain
import SQLKit

/// Imports, the outcome of rows that were not simply created, and remembered mappings.
public struct ImportStore: Sendable {
    public init() {}

    static let columns = """
        id, entity, file_name, storage_name, format, columns, total_rows, mapping, duplicate_policy, state, processed,
        created_count, updated_count, skipped_count, rejected_count, job_id, error, created_by, created_at, updated_at
        """

    public func insert(_ i: ClientImport, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO imports (entity, file_name, storage_name, format, columns, total_rows, mapping, duplicate_policy,
                state, created_by, created_at, updated_at)
            VALUES (\(bind: i.entity), \(bind: i.fileName), \(bind: i.storageName), \(bind: i.format),
                \(bind: JSONText.encode(i.columns)), \(bind: i.totalRows), \(bind: Self.encode(i.mapping)),
                \(bind: i.duplicatePolicy.rawValue), \(bind: i.state.rawValue), \(bind: i.createdBy),
                \(bind: i.createdAt.millis), \(bind: i.updatedAt.millis))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> ClientImport? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM imports WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// A user's imports, newest first.
    public func list(createdBy user: Int64, limit: Int, on db: any SQLDatabase) async throws -> [ClientImport] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM imports WHERE created_by = \(bind: user) ORDER BY id DESC LIMIT \(literal: limit)
            """).all().map(Self.decode)
    }

    /// Saves the mapping, policy, state and job of an import.
    public func save(_ i: ClientImport, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE imports SET mapping = \(bind: Self.encode(i.mapping)), duplicate_policy = \(bind: i.duplicatePolicy.rawValue),
                state = \(bind: i.state.rawValue), job_id = \(bind: i.jobID), error = \(bind: i.error),
                updated_at = \(bind: i.updatedAt.millis)
            WHERE id = \(bind: i.id)
            """).run()
    }

    /// Moves the progress on by one batch (in the batch's transaction, so a restart resumes exactly).
    public func advance(id: Int64, processed: Int, created: Int, updated: Int, skipped: Int, rejected: Int, at time: Date,
                        on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE imports SET processed = \(bind: processed), created_count = created_count + \(bind: created),
                updated_count = updated_count + \(bind: updated), skipped_count = skipped_count + \(bind: skipped),
                rejected_count = rejected_count + \(bind: rejected), updated_at = \(bind: time.millis)
            WHERE id = \(bind: id)
            """).run()
    }

    public func addRow(importID: Int64, row: Int, outcome: ClientImport.Outcome, reason: String, recordID: Int64?,
                       on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO import_rows (import_id, row_number, outcome, reason, record_id)
            VALUES (\(bind: importID), \(bind: row), \(bind: outcome.rawValue), \(bind: String(reason.prefix(2000))), \(bind: recordID))
            """).run()
    }

    /// The rows that were skipped or rejected, in file order.
    public func rows(importID: Int64, on db: any SQLDatabase) async throws
        -> [(row: Int, outcome: ClientImport.Outcome, reason: String, recordID: Int64?)]
    {
        try await db.raw("""
            SELECT row_number, outcome, reason, record_id FROM import_rows WHERE import_id = \(bind: importID) ORDER BY row_number
            """).all().map {
            (try $0.decode(column: "row_number", as: Int.self),
             ClientImport.Outcome(rawValue: try $0.decode(column: "outcome", as: String.self)) ?? .rejected,
             try $0.decode(column: "reason", as: String.self), try $0.decode(column: "record_id", as: Int64?.self))
        }
    }

    public func rememberedMapping(user: Int64, entity: String, columnsKey: String, on db: any SQLDatabase) async throws
        -> [Int: String]?
    {
        try await db.raw("""
            SELECT mapping FROM import_mappings
            WHERE user_id = \(bind: user) AND entity = \(bind: entity) AND columns_key = \(bind: columnsKey)
            """).first().map { try Self.decodeMapping(try $0.decode(column: "mapping", as: String.self)) }
    }

    public func remember(mapping: [Int: String], user: Int64, entity: String, columnsKey: String, at time: Date,
                         on db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM import_mappings
            WHERE user_id = \(bind: user) AND entity = \(bind: entity) AND columns_key = \(bind: columnsKey)
            """).run()
        try await db.raw("""
            INSERT INTO import_mappings (user_id, entity, columns_key, mapping, updated_at)
            VALUES (\(bind: user), \(bind: entity), \(bind: columnsKey), \(bind: Self.encode(mapping)), \(bind: time.millis))
            """).run()
    }

    static func encode(_ mapping: [Int: String]) -> String {
        JSONText.encode(Dictionary(uniqueKeysWithValues: mapping.map { (String($0.key), $0.value) }))
    }

    static func decodeMapping(_ text: String) throws -> [Int: String] {
        let raw = try JSONText.decode([String: String].self, text)
        return Dictionary(uniqueKeysWithValues: raw.compactMap { key, value in Int(key).map { ($0, value) } })
    }

    static func decode(_ row: any SQLRow) throws -> ClientImport {
        ClientImport(
            id: try row.decode(column: "id", as: Int64.self),
            entity: try row.decode(column: "entity", as: String.self),
            fileName: try row.decode(column: "file_name", as: String.self),
            storageName: try row.decode(column: "storage_name", as: String.self),
            format: try row.decode(column: "format", as: String.self),
            columns: try JSONText.strings(row.decode(column: "columns", as: String.self)),
            totalRows: try row.decode(column: "total_rows", as: Int.self),
            mapping: try Self.decodeMapping(row.decode(column: "mapping", as: String.self)),
            duplicatePolicy: ClientImport.DuplicatePolicy(rawValue: try row.decode(column: "duplicate_policy", as: String.self)) ?? .skip,
            state: ClientImport.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed,
            processed: try row.decode(column: "processed", as: Int.self),
            created: try row.decode(column: "created_count", as: Int.self),
            updated: try row.decode(column: "updated_count", as: Int.self),
            skipped: try row.decode(column: "skipped_count", as: Int.self),
            rejected: try row.decode(column: "rejected_count", as: Int.self),
            jobID: try row.decode(column: "job_id", as: Int64?.self),
            error: try row.decode(column: "error", as: String?.self),
            createdBy: try row.decode(column: "created_by", as: Int64.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)))
    }
}
