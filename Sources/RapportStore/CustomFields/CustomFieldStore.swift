import Foundation
import RapportDomain
import SQLKit

/// Custom field definitions, and the index each filterable or sortable one keeps.
public struct CustomFieldStore: Sendable {
    public init() {}

    static let columns = """
        id, entity, code, label, type, options, link_entity, currency, required, filterable, sortable, show_in_list,
        position, archived, created_at, updated_at, version
        """

    /// The entity's fields in their order (archived ones too when asked).
    public func list(entity: CustomFieldEntity?, includeArchived: Bool, on db: any SQLDatabase) async throws
        -> [CustomFieldDefinition]
    {
        var conditions: [SQLQueryString] = []
        if let entity { conditions.append("entity = \(bind: entity.rawValue)") }
        if !includeArchived { conditions.append("archived = \(bind: false)") }
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM custom_fields \(whereClause(conditions)) ORDER BY entity, position, id
            """).all().map(Self.decode)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> CustomFieldDefinition? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM custom_fields WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func codeExists(entity: CustomFieldEntity, code: String, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT id FROM custom_fields WHERE entity = \(bind: entity.rawValue) AND code = \(bind: code)
            """).first() != nil
    }

    public func insert(_ d: CustomFieldDefinition, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO custom_fields (entity, code, label, type, options, link_entity, currency, required, filterable,
                sortable, show_in_list, position, archived, created_at, updated_at, version)
            VALUES (\(bind: d.entity.rawValue), \(bind: d.code), \(bind: d.label), \(bind: d.type.rawValue),
                \(bind: JSONText.encode(d.options)), \(bind: d.linkEntity?.rawValue), \(bind: d.currency),
                \(bind: d.required), \(bind: d.filterable), \(bind: d.sortable), \(bind: d.showInList), \(bind: d.position),
                \(bind: d.archived), \(bind: d.createdAt.millis), \(bind: d.updatedAt.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    /// - Returns: the new version, or nil when `expectedVersion` is no longer current.
    public func update(_ d: CustomFieldDefinition, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE custom_fields SET label = \(bind: d.label), options = \(bind: JSONText.encode(d.options)),
                currency = \(bind: d.currency), required = \(bind: d.required), filterable = \(bind: d.filterable),
                sortable = \(bind: d.sortable), show_in_list = \(bind: d.showInList), position = \(bind: d.position),
                archived = \(bind: d.archived), updated_at = \(bind: d.updatedAt.millis), version = version + 1
            WHERE id = \(bind: d.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first().map { try $0.decode(column: "version", as: Int64.self) }
    }

    /// Creates or drops the field's indexes so each exists exactly while the field is
    /// filterable or sortable.
    public func syncIndex(before: CustomFieldDefinition?, after: CustomFieldDefinition, on db: any SQLDatabase) async throws {
        let postgres = CustomFieldSQL.isPostgres(db)
        for purpose in CustomFieldSQL.IndexPurpose.allCases {
            let had = before.map { CustomFieldSQL.wants($0, purpose, postgres: postgres) } ?? false
            let wants = CustomFieldSQL.wants(after, purpose, postgres: postgres)
            if had == wants { continue }
            let statement = wants ? CustomFieldSQL.createIndex(after, purpose, postgres: postgres)
                : "DROP INDEX IF EXISTS \(CustomFieldSQL.indexName(after, purpose))"
            try await db.raw(SQLQueryString(statement)).run()
        }
    }

    /// How many records of the field's entity hold any of `codes` (options about to go).
    public func recordsUsing(_ d: CustomFieldDefinition, optionCodes codes: [String], on db: any SQLDatabase)
        async throws -> Int
    {
        guard !codes.isEmpty else { return 0 }
        let table = CustomFieldSQL.table(d.entity)
        var total = 0
        for code in codes {
            let test: CustomFilter.Test = d.type == .multiChoice ? .equals(.list([code])) : .equals(.text(code))
            let condition = CustomFieldSQL.condition(CustomFilter(definition: d, test: test), table: table,
                                                     postgres: CustomFieldSQL.isPostgres(db))
            let row = try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(condition)").first()
            total += try row?.decode(column: "n", as: Int.self) ?? 0
        }
        return total
    }

    static func decode(_ row: any SQLRow) throws -> CustomFieldDefinition {
        CustomFieldDefinition(
            id: try row.decode(column: "id", as: Int64.self),
            entity: CustomFieldEntity(rawValue: try row.decode(column: "entity", as: String.self)) ?? .company,
            code: try row.decode(column: "code", as: String.self),
            label: try row.decode(column: "label", as: String.self),
            type: CustomFieldType(rawValue: try row.decode(column: "type", as: String.self)) ?? .text,
            options: try JSONText.decode([CustomFieldOption].self, row.decode(column: "options", as: String.self)),
            linkEntity: try row.decode(column: "link_entity", as: String?.self).flatMap(CustomFieldEntity.init(rawValue:)),
            currency: try row.decode(column: "currency", as: String?.self),
            required: try row.decode(column: "required", as: Bool.self),
            filterable: try row.decode(column: "filterable", as: Bool.self),
            sortable: try row.decode(column: "sortable", as: Bool.self),
            showInList: try row.decode(column: "show_in_list", as: Bool.self),
            position: try row.decode(column: "position", as: Int.self),
            archived: try row.decode(column: "archived", as: Bool.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            version: try row.decode(column: "version", as: Int64.self))
    }
}
