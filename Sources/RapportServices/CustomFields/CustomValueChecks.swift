import RapportDomain
import RapportStore
import SQLKit

/// The checks of custom values that need the database, shared by every record type that
/// has custom fields: links must point at a user or a readable record, list filters and
/// sorts must name a filterable or sortable field.
enum CustomValueChecks {
    static func definitions(_ entity: CustomFieldEntity, on db: any SQLDatabase) async throws -> [CustomFieldDefinition] {
        let load = { try await CustomFieldStore().list(entity: entity, includeArchived: false, on: db) }
        guard let memo = BatchMemo.current else { return try await load() }
        return try await memo.definitions(entity, load)
    }

    /// Applies `inputs` to `values` (all rules), then checks that every newly given link
    /// points at an existing user or at a record the principal may read.
    static func apply(_ inputs: [String: CustomInput]?, to values: inout CustomValues,
                      definitions: [CustomFieldDefinition], creating: Bool, principal: Principal?,
                      on db: any SQLDatabase, into v: inout Validator) async throws {
        CustomFieldRules.apply(inputs ?? [:], to: &values, definitions: definitions, creating: creating, into: &v)
        for definition in definitions where definition.type == .user || definition.type == .record {
            guard inputs?[definition.code] != nil, let id = values[definition.code]?.integerValue else { continue }
            let field = "custom.\(definition.code)"
            if definition.type == .user {
                if try await UserStore().find(id: id, on: db) == nil { v.add(field, "not_found", "no user with id \(id)") }
                continue
            }
            let ownership: RecordOwnership?
            let entity: PermissionEntity
            switch definition.linkEntity ?? .company {
            case .company: ownership = try await CompanyStore().ownership(id: id, on: db); entity = .company
            case .contact: ownership = try await ContactStore().ownership(id: id, on: db); entity = .contact
            case .lead, .deal: continue  // refused when the field was defined
            }
            let readable = ownership.map { record in
                principal.map { AccessPolicy.allows($0.subject, .read, entity, record: record) } ?? true
            } ?? false
            if !readable { v.add(field, "not_found", "no \(entity.rawValue) with id \(id)") }
        }
    }

    /// The query with its custom filters and sort resolved, and the entity's active fields.
    static func resolved(_ query: ClientQuery, _ entity: CustomFieldEntity, on db: any SQLDatabase) async throws
        -> (query: ClientQuery, definitions: [CustomFieldDefinition])
    {
        let definitions = try await definitions(entity, on: db)
        var query = query
        try resolve(&query, definitions: definitions)
        return (query, definitions)
    }

    /// The query as `resolved` gives it, reading the definitions only when the query names a
    /// custom field (most lists do not: one statement less per list).
    static func resolvedQuery(_ query: ClientQuery, _ entity: CustomFieldEntity, on db: any SQLDatabase) async throws
        -> ClientQuery
    {
        guard !query.customParameters.isEmpty || query.customSort != nil else { return query }
        return try await resolved(query, entity, on: db).query
    }

    /// Turns `cf.<code>…` parameters and a custom sort into typed filters; a parameter for
    /// an unknown, non-filterable or non-sortable field is an error naming it.
    static func resolve(_ query: inout ClientQuery, definitions: [CustomFieldDefinition]) throws {
        guard !query.customParameters.isEmpty || query.customSort != nil else { return }
        let byCode = Dictionary(definitions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var v = Validator()
        var filters: [CustomFilter] = []
        for (name, raw) in query.customParameters.sorted(by: { $0.key < $1.key }) {
            let parts = name.dropFirst("cf.".count).split(separator: ".", omittingEmptySubsequences: false)
            guard let definition = byCode[String(parts[0])] else {
                v.add(name, "unknown_field", "\(parts[0]) is not a custom field here")
                continue
            }
            guard definition.filterable else {
                v.add(name, "not_filterable", "\(definition.label) is not marked filterable")
                continue
            }
            let operation = parts.count > 1 ? String(parts[1]) : ""
            if operation == "empty" {
                switch raw.lowercased() {
                case "true", "1": filters.append(CustomFilter(definition: definition, test: .present(false)))
                case "false", "0": filters.append(CustomFilter(definition: definition, test: .present(true)))
                default: v.add(name, "invalid", "\(name) must be true or false")
                }
                continue
            }
            guard parts.count <= 2, ["", "from", "to"].contains(operation),
                  operation.isEmpty || definition.type.isRange
            else {
                v.add(name, "invalid", "\(name) is not a filter; use cf.\(definition.code)"
                      + (definition.type.isRange ? ", .from, .to" : "") + " or .empty")
                continue
            }
            guard let parsed = CustomFieldRules.value(.text(raw), for: definition, field: name, into: &v) else { continue }
            guard let value = parsed else { continue }
            let test: CustomFilter.Test = switch operation {
            case "from": .atLeast(value)
            case "to": .atMost(value)
            default: .equals(value)
            }
            filters.append(CustomFilter(definition: definition, test: test))
        }
        if let code = query.customSort {
            if let definition = byCode[code], definition.sortable {
                query.customSortField = definition
            } else {
                v.add("sort", "not_sortable", "cf.\(code) is not a sortable custom field")
            }
        }
        try v.throwIfInvalid()
        query.customFilters = filters
    }
}
