import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What an administrator sends to define or change a custom field. nil leaves a setting as
/// it is; `entity`, `code` and `type` are fixed once the field exists.
public struct CustomFieldInput: Sendable, Equatable {
    public var entity: String?
    public var code: String?
    public var label: String?
    public var type: String?
    public var options: [OptionInput]?
    public var linkEntity: String?
    public var currency: String?
    public var required: Bool?
    public var filterable: Bool?
    public var sortable: Bool?
    public var showInList: Bool?
    public var position: Int?

    /// An option; a new one without a code gets the next free number.
    public struct OptionInput: Sendable, Equatable {
        public var code: String?
        public var label: String
        public init(code: String? = nil, label: String) {
            self.code = code; self.label = label
        }
    }

    public init(entity: String? = nil, code: String? = nil, label: String? = nil, type: String? = nil,
                options: [OptionInput]? = nil, linkEntity: String? = nil, currency: String? = nil, required: Bool? = nil,
                filterable: Bool? = nil, sortable: Bool? = nil, showInList: Bool? = nil, position: Int? = nil) {
        self.entity = entity; self.code = code; self.label = label; self.type = type; self.options = options
        self.linkEntity = linkEntity; self.currency = currency; self.required = required; self.filterable = filterable
        self.sortable = sortable; self.showInList = showInList; self.position = position
    }
}

/// Defining custom fields (administrators: `settings` update right) and reading them (anyone
/// signed in: every form and list needs them).
public struct CustomFieldService: Sendable {
    let env: ServiceEnvironment
    let store = CustomFieldStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// Names a custom code may not take: the built-in fields of companies and contacts, so a
    /// column of an export or an import is never ambiguous.
    static let reservedCodes: Set<String> = MergeService.companyFields.union(MergeService.contactFields).union([
        "id", "custom", "version", "created_at", "updated_at", "created_by", "channels", "addresses", "phones", "emails",
        "companies", "responsible", "display_name",
    ])
    static let maxOptions = 200

    public func list(entity: CustomFieldEntity?, includeArchived: Bool = false, by principal: Principal) async throws
        -> [CustomFieldDefinition]
    {
        _ = principal
        return try await env.database.read { db in
            try await self.store.list(entity: entity, includeArchived: includeArchived, on: db)
        }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> CustomFieldDefinition {
        _ = principal
        return try await env.database.read { db in
            guard let field = try await self.store.find(id: id, on: db) else {
                throw RapportError.notFound(entity: "custom_field")
            }
            return field
        }
    }

    /// Defines a field; `principal` nil is the system (the demo, the console).
    public func create(_ input: CustomFieldInput, by principal: Principal?) async throws -> CustomFieldDefinition {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        var v = Validator()
        let entity = v.choice(input.entity, CustomFieldEntity.self, field: "entity")
        if input.entity == nil { v.add("entity", "required", "entity is required") }
        let type = v.choice(input.type, CustomFieldType.self, field: "type")
        if input.type == nil { v.add("type", "required", "type is required") }
        let code = (input.code ?? "").trimmingCharacters(in: .whitespaces)
        if code.isEmpty {
            v.add("code", "required", "code is required")
        } else if !Self.isCode(code) {
            v.add("code", "invalid", "code must start with a Latin letter and hold only a–z, 0–9 and _ (at most 40)")
        } else if Self.reservedCodes.contains(code) {
            v.add("code", "reserved", "\(code) is the name of a built-in field")
        }
        try v.throwIfInvalid()
        let now = env.clock.now()
        let draft = CustomFieldDefinition(entity: entity!, code: code, label: "", type: type!, createdAt: now, updatedAt: now)
        // Building a field's index over a million records takes longer than a request may.
        return try await Database.allowingLongOperations { try await self.env.database.transaction { db in
            var field = draft
            if try await self.store.codeExists(entity: field.entity, code: code, on: db) {
                throw RapportError.invalid("code", "taken", "a field with code \(code) exists (archived fields keep their code)")
            }
            let last = try await self.store.list(entity: field.entity, includeArchived: true, on: db).map(\.position).max()
            field.position = input.position ?? ((last ?? 0) + 1)
            try await self.apply(input, to: &field, creating: true, on: db)
            field.id = try await self.store.insert(field, on: db)
            try await self.store.syncIndex(before: nil, after: field, on: db)
            try await self.events.record("custom_field", field.id, .created, changes: Self.fields(nil, field),
                                         by: principal?.userID, on: db)
            return field
        } }
    }

    public func update(_ id: Int64, _ input: CustomFieldInput, expectedVersion: Int64?, by principal: Principal)
        async throws -> CustomFieldDefinition
    {
        try Access.requireAny(principal, .update, .settings)
        return try await Database.allowingLongOperations { try await self.env.database.transaction { db in
            guard let before = try await self.store.find(id: id, on: db) else {
                throw RapportError.notFound(entity: "custom_field")
            }
            try Access.requireVersion(expectedVersion, current: before.version)
            var v = Validator()
            if let entity = input.entity, entity != before.entity.rawValue {
                v.add("entity", "immutable", "the entity of a field cannot change")
            }
            if let code = input.code, code != before.code { v.add("code", "immutable", "the code of a field cannot change") }
            if let type = input.type, type != before.type.rawValue {
                v.add("type", "immutable", "the type of a field cannot change; define a new field instead")
            }
            try v.throwIfInvalid()
            var after = before
            try await self.apply(input, to: &after, creating: false, on: db)
            after.updatedAt = self.env.clock.now()
            guard let version = try await self.store.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            try await self.store.syncIndex(before: before, after: after, on: db)
            let changes = Self.fields(before, after)
            if !changes.isEmpty {
                try await self.events.record("custom_field", id, .updated, changes: changes, by: principal.userID, on: db)
            }
            return after
        } }
    }

    /// Archives the field: it leaves forms, lists and the API, its index is dropped, its code
    /// stays taken and the values stay in the records (restoring brings them back).
    public func archive(_ id: Int64, archived: Bool = true, expectedVersion: Int64?, by principal: Principal) async throws
        -> CustomFieldDefinition
    {
        try Access.requireAny(principal, .update, .settings)
        return try await Database.allowingLongOperations { try await self.env.database.transaction { db in
            guard let before = try await self.store.find(id: id, on: db) else {
                throw RapportError.notFound(entity: "custom_field")
            }
            try Access.requireVersion(expectedVersion, current: before.version)
            if archived, let entity = PipelineEntity(rawValue: before.entity.rawValue) {
                // A gate or a task template naming the field would ask for what no one can fill.
                let stages = try await PipelineService.stagesUsing("cf." + before.code, entity: entity, db)
                if !stages.isEmpty {
                    throw RapportError.conflict("the field is used by the stages \(stages.joined(separator: ", ")); change them first")
                }
            }
            var after = before
            after.archived = archived
            after.updatedAt = self.env.clock.now()
            guard let version = try await self.store.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            try await self.store.syncIndex(before: before, after: after, on: db)
            if before.archived != archived {
                try await self.events.record("custom_field", id, archived ? .deleted : .updated,
                                             changes: Self.fields(before, after), by: principal.userID, on: db)
            }
            return after
        } }
    }

    // MARK: rules

    func apply(_ input: CustomFieldInput, to field: inout CustomFieldDefinition, creating: Bool,
               on db: any SQLDatabase) async throws {
        var v = Validator()
        if creating || input.label != nil { field.label = v.requireText(input.label, field: "label", maxLength: 100) }
        if let options = input.options {
            if field.type.hasOptions {
                let kept = Self.options(options, previous: field.options, into: &v)
                let removed = field.options.map(\.code).filter { code in !kept.contains { $0.code == code } }
                if !creating, v.errors.isEmpty,
                   try await store.recordsUsing(field, optionCodes: removed, on: db) > 0 {
                    v.add("options", "option_in_use",
                          "options \(removed.joined(separator: ", ")) are used by records; rename them instead of removing")
                }
                field.options = kept
            } else if !options.isEmpty {
                v.add("options", "not_allowed", "only choice fields have options")
            }
        }
        if creating, field.type.hasOptions, field.options.isEmpty {
            v.add("options", "required", "a choice field needs at least one option")
        }
        if field.type == .record {
            if creating {
                if input.linkEntity == nil { v.add("link_entity", "required", "link_entity is required for a record link") }
                field.linkEntity = v.choice(input.linkEntity, CustomFieldEntity.self, field: "link_entity")
                if let link = field.linkEntity, !CustomFieldEntity.clients.contains(link) {
                    v.add("link_entity", "invalid", "a record link points to a company or a contact")
                    field.linkEntity = nil
                }
            } else if let link = input.linkEntity, link != field.linkEntity?.rawValue {
                v.add("link_entity", "immutable", "what a record link points to cannot change")
            }
        } else if input.linkEntity != nil {
            v.add("link_entity", "not_allowed", "only record links point to an entity")
        }
        if field.type == .money {
            if let currency = input.currency {
                if Currency.isValid(currency) { field.currency = currency } else {
                    v.add("currency", "invalid", "currency must be an ISO 4217 code such as RUB")
                }
            } else if creating {
                field.currency = try await SettingsStore().get(on: db)?.currency ?? "RUB"
            }
        } else if input.currency != nil {
            v.add("currency", "not_allowed", "only money fields have a currency")
        }
        if let required = input.required { field.required = required }
        if let filterable = input.filterable { field.filterable = filterable }
        if let sortable = input.sortable {
            if sortable && !field.type.canSort { v.add("sortable", "not_allowed", "a many-of list cannot be sorted by") }
            field.sortable = sortable && field.type.canSort
        }
        if let show = input.showInList { field.showInList = show }
        if let position = input.position {
            if (0...10_000).contains(position) { field.position = position } else {
                v.add("position", "out_of_range", "position must be between 0 and 10000")
            }
        }
        try v.throwIfInvalid()
    }

    static func isCode(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first), text.count <= 40 else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Checked options; existing codes keep their place, new ones without a code are numbered.
    static func options(_ inputs: [CustomFieldInput.OptionInput], previous: [CustomFieldOption],
                        into v: inout Validator) -> [CustomFieldOption] {
        if inputs.count > maxOptions { v.add("options", "too_many", "at most \(maxOptions) options") }
        var used = Set(inputs.compactMap(\.code))
        var next = (previous.compactMap { Int($0.code) } + inputs.compactMap { $0.code.flatMap { Int($0) } }).max() ?? 0
        var labels = Set<String>()
        var result: [CustomFieldOption] = []
        for (index, input) in inputs.prefix(maxOptions).enumerated() {
            let label = v.requireText(input.label, field: "options[\(index)].label", maxLength: 100)
            if !label.isEmpty, !labels.insert(label.lowercased()).inserted {
                v.add("options[\(index)].label", "duplicate", "\(label) is listed twice")
            }
            var code = input.code?.trimmingCharacters(in: .whitespaces) ?? ""
            if code.isEmpty {
                repeat { next += 1 } while used.contains(String(next))
                code = String(next)
                used.insert(code)
            } else if code.count > 40 || !code.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
            }) {
                v.add("options[\(index)].code", "invalid", "an option code holds only Latin letters, digits, _ and - (at most 40)")
            } else if result.contains(where: { $0.code == code }) {
                v.add("options[\(index)].code", "duplicate", "\(code) is listed twice")
            }
            result.append(CustomFieldOption(code: code, label: label))
        }
        return result
    }

    static func fields(_ before: CustomFieldDefinition?, _ after: CustomFieldDefinition) -> [FieldChange] {
        func describe(_ d: CustomFieldDefinition) -> [(String, String?)] {
            [("entity", d.entity.rawValue), ("code", d.code), ("label", d.label), ("type", d.type.rawValue),
             ("options", d.options.isEmpty ? nil : d.options.map { "\($0.code): \($0.label)" }.joined(separator: "; ")),
             ("link_entity", d.linkEntity?.rawValue), ("currency", d.currency), ("required", String(d.required)),
             ("filterable", String(d.filterable)), ("sortable", String(d.sortable)), ("show_in_list", String(d.showInList)),
             ("position", String(d.position)), ("archived", String(d.archived))]
        }
        return ClientChanges.diff(before.map(describe), describe(after))
    }
}
