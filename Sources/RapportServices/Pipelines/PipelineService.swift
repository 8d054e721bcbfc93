import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The pipelines' settings (P4): pipelines, their stages with gates, hints and entry tasks,
/// and the close reasons. Everyone who works with leads or deals reads them; changing them
/// takes the settings right. Every saved gate is checked: a condition that does not parse is
/// refused with the position of the mistake, and a field that does not exist by its name.
public struct PipelineService: Sendable {
    let env: ServiceEnvironment
    let store = PipelineStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    // MARK: reading

    public func list(_ entity: PipelineEntity, by principal: Principal) async throws -> [Pipeline] {
        try requireRead(entity, principal)
        return try await env.database.read { db in try await self.store.list(entity: entity, on: db) }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> Pipeline {
        let pipeline = try await env.database.read { db in try await self.store.find(id: id, on: db) }
        guard let pipeline else { throw RapportError.notFound(entity: "pipeline") }
        try requireRead(pipeline.entity, principal)
        return pipeline
    }

    /// The pipeline a stage belongs to, with all its stages.
    public func pipeline(ofStage stageID: Int64, by principal: Principal) async throws -> Pipeline {
        let pipeline = try await env.database.read { db in try await self.store.find(stageID: stageID, on: db) }
        guard let pipeline else { throw RapportError.notFound(entity: "stage") }
        try requireRead(pipeline.entity, principal)
        return pipeline
    }

    public func reasons(_ entity: PipelineEntity, includeArchived: Bool = false, by principal: Principal) async throws
        -> [CloseReason]
    {
        try requireRead(entity, principal)
        return try await env.database.read { db in
            try await self.store.reasons(entity: entity, includeArchived: includeArchived, on: db)
        }
    }

    /// What stands in the way of moving a record into the stage now: the settings page's
    /// preview of a gate against a real record.
    public func preview(stageID: Int64, recordID: Int64, by principal: Principal) async throws -> MoveRefusal {
        try await env.database.read { db in
            guard let pipeline = try await self.store.find(stageID: stageID, on: db) else {
                throw RapportError.notFound(entity: "stage")
            }
            let moves = StageMoves(env: self.env)
            let refusal: MoveRefusal?
            switch pipeline.entity {
            case .lead: refusal = try await moves.obstacles(try await LeadService(env: self.env).readable(recordID, principal, db),
                                                            to: stageID, reasonID: nil, db).refusal
            case .deal: refusal = try await moves.obstacles(try await DealService(env: self.env).readable(recordID, principal, db),
                                                            to: stageID, reasonID: nil, db).refusal
            }
            return refusal ?? MoveRefusal(stageID: stageID, obstacles: [])
        }
    }

    // MARK: pipelines

    /// Creates a pipeline with the given stages in order (open ones, then won and lost).
    public func create(_ input: PipelineInput, stages: [StageInput] = [], by principal: Principal?) async throws -> Pipeline {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var v = Validator()
            if input.entity == nil { v.add("entity", "required", "entity is required: lead or deal") }
            let entity = v.choice(input.entity, PipelineEntity.self, field: "entity") ?? .deal
            var pipeline = Pipeline(entity: entity, name: "")
            self.apply(input, to: &pipeline, creating: true, &v)
            try v.throwIfInvalid()
            if input.position == nil { pipeline.position = try await self.store.list(entity: entity, on: db).count }
            pipeline.id = try await self.store.insert(pipeline, now: now, on: db)
            try await self.events.record("pipeline", pipeline.id, .created,
                                         changes: [FieldChange(field: "name", old: nil, new: pipeline.name)],
                                         by: principal?.userID, on: db)
            for (index, stageInput) in stages.enumerated() {
                var stage = Stage(pipelineID: pipeline.id, name: "", position: index)
                var v = Validator()
                try await self.apply(stageInput, to: &stage, entity: entity, creating: true, db, &v)
                if !v.errors.isEmpty {
                    throw RapportError.validation(v.errors.map { FieldError(field: "stages[\(index)].\($0.field)", code: $0.code, message: $0.message) })
                }
                stage.position = index
                stage.id = try await self.store.insert(stage, now: now, on: db)
            }
            try await self.normalizeOrder(pipeline.id, db)
            return try await self.store.find(id: pipeline.id, on: db)!
        }
    }

    public func update(_ id: Int64, _ input: PipelineInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> Pipeline
    {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let before = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "pipeline") }
            try Access.requireVersion(expectedVersion, current: before.version)
            var v = Validator()
            if let entity = input.entity, entity != before.entity.rawValue {
                v.add("entity", "immutable", "a pipeline's entity cannot change")
            }
            var after = before
            self.apply(input, to: &after, creating: false, &v)
            try v.throwIfInvalid()
            guard try await self.store.update(after, expectedVersion: before.version, now: now, on: db) != nil else {
                throw RapportError.stale(currentVersion: before.version)
            }
            let changes = PipelineRecordRules.changes([("name", before.name), ("mode", before.mode.rawValue)],
                                                      [("name", after.name), ("mode", after.mode.rawValue)])
            if !changes.isEmpty { try await self.events.record("pipeline", id, .updated, changes: changes, by: principal.userID, on: db) }
            return try await self.store.find(id: id, on: db)!
        }
    }

    /// Deletes a pipeline that holds no records.
    public func delete(_ id: Int64, by principal: Principal) async throws {
        try Access.requireAny(principal, .update, .settings)
        try await env.database.transaction { db in
            guard let pipeline = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "pipeline") }
            var held = 0
            for stage in pipeline.stages { held += try await self.store.recordCount(stageID: stage.id, entity: pipeline.entity, on: db) }
            if held > 0 { throw RapportError.conflict("the pipeline holds \(held) records; move them to another pipeline first") }
            try await self.store.delete(id: id, on: db)
            try await self.events.record("pipeline", id, .deleted, changes: [FieldChange(field: "name", old: pipeline.name, new: nil)],
                                         by: principal.userID, on: db)
        }
    }

    // MARK: stages

    public func addStage(to pipelineID: Int64, _ input: StageInput, by principal: Principal) async throws -> Stage {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let pipeline = try await self.store.find(id: pipelineID, on: db) else { throw RapportError.notFound(entity: "pipeline") }
            var stage = Stage(pipelineID: pipelineID, name: "")
            var v = Validator()
            try await self.apply(input, to: &stage, entity: pipeline.entity, creating: true, db, &v)
            try v.throwIfInvalid()
            // A new open stage goes before the closed ones unless placed.
            stage.position = input.position ?? (stage.kind == .open
                ? (pipeline.stages.firstIndex { $0.kind != .open } ?? pipeline.stages.count) : pipeline.stages.count)
            stage.id = try await self.store.insert(stage, now: now, on: db)
            var order = pipeline.stages.map(\.id)
            order.insert(stage.id, at: min(max(stage.position, 0), order.count))
            try await self.store.reorder(pipelineID: pipelineID, stageIDs: order, on: db)
            try await self.normalizeOrder(pipelineID, db)
            try await self.events.record("pipeline", pipelineID, .updated,
                                         changes: [FieldChange(field: "stage", old: nil, new: stage.name)], by: principal.userID, on: db)
            return try await self.store.find(id: pipelineID, on: db)!.stage(stage.id)!
        }
    }

    public func updateStage(_ stageID: Int64, _ input: StageInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> Stage
    {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let pipeline = try await self.store.find(stageID: stageID, on: db), let before = pipeline.stage(stageID) else {
                throw RapportError.notFound(entity: "stage")
            }
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            var v = Validator()
            try await self.apply(input, to: &after, entity: pipeline.entity, creating: false, db, &v)
            try v.throwIfInvalid()
            guard try await self.store.update(after, expectedVersion: before.version, now: now, on: db) != nil else {
                throw RapportError.stale(currentVersion: before.version)
            }
            if let position = input.position, position != before.position {
                var order = pipeline.stages.map(\.id).filter { $0 != stageID }
                order.insert(stageID, at: min(max(position, 0), order.count))
                try await self.store.reorder(pipelineID: pipeline.id, stageIDs: order, on: db)
            }
            try await self.normalizeOrder(pipeline.id, db)
            try await self.events.record("pipeline", pipeline.id, .updated,
                                         changes: [FieldChange(field: "stage", old: before.name, new: after.name)],
                                         by: principal.userID, on: db)
            return try await self.store.find(id: pipeline.id, on: db)!.stage(stageID)!
        }
    }

    /// Deletes a stage. One that holds records is refused unless `moveTo` names another stage
    /// of the pipeline: then its records go there first (each move recorded, no gate: the
    /// administrator decided it), in one transaction.
    public func deleteStage(_ stageID: Int64, moveTo: Int64?, by principal: Principal) async throws {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        try await env.database.transaction { db in
            guard let pipeline = try await self.store.find(stageID: stageID, on: db), let stage = pipeline.stage(stageID) else {
                throw RapportError.notFound(entity: "stage")
            }
            let held = try await self.store.recordCount(stageID: stageID, entity: pipeline.entity, on: db)
            if held > 0 {
                guard let moveTo else {
                    throw RapportError.conflict("the stage holds \(held) records; choose a stage to move them to (move_to)")
                }
                guard moveTo != stageID, let target = pipeline.stage(moveTo) else {
                    throw RapportError.invalid("move_to", "not_found", "move_to must be another stage of the same pipeline")
                }
                try await self.moveAll(from: stage, to: target, of: pipeline, by: principal.userID, now: now, db)
            }
            if pipeline.stages.filter({ $0.kind == .open }).count == 1 && stage.kind == .open {
                throw RapportError.conflict("a pipeline keeps at least one open stage")
            }
            try await self.store.deleteStage(id: stageID, on: db)
            try await self.normalizeOrder(pipeline.id, db)
            try await self.events.record("pipeline", pipeline.id, .updated,
                                         changes: [FieldChange(field: "stage", old: stage.name, new: nil)], by: principal.userID, on: db)
        }
    }

    func moveAll(from stage: Stage, to target: Stage, of pipeline: Pipeline, by actor: Int64, now: Date, _ db: any SQLDatabase)
        async throws
    {
        let moves = StageMoves(env: env)
        while true {
            let ids = try await StagePlaceStore().recordIDs(pipeline.entity, stageID: stage.id, limit: 500, on: db)
            if ids.isEmpty { break }
            switch pipeline.entity {
            case .lead:
                for lead in try await LeadStore().find(ids: ids, on: db) {
                    _ = try await moves.enter(lead, target, of: pipeline, reasonID: lead.place.closeReasonID, by: actor, now: now, db)
                }
            case .deal:
                for deal in try await DealStore().find(ids: ids, on: db) {
                    _ = try await moves.enter(deal, target, of: pipeline, reasonID: deal.place.closeReasonID, by: actor, now: now, db)
                }
            }
        }
    }

    /// Keeps positions 0, 1, 2 … with the open stages first, then won, then lost.
    func normalizeOrder(_ pipelineID: Int64, _ db: any SQLDatabase) async throws {
        guard let pipeline = try await store.find(id: pipelineID, on: db) else { return }
        let rank: [StageKind: Int] = [.open: 0, .won: 1, .lost: 2]
        let ordered = pipeline.stages.enumerated().sorted { a, b in
            (rank[a.element.kind]!, a.offset) < (rank[b.element.kind]!, b.offset)
        }.map(\.element.id)
        if ordered != pipeline.stages.map(\.id) || pipeline.stages.enumerated().contains(where: { $0.offset != $0.element.position }) {
            try await store.reorder(pipelineID: pipelineID, stageIDs: ordered, on: db)
        }
    }

    // MARK: close reasons

    public func addReason(_ entity: PipelineEntity, label: String?, by principal: Principal?) async throws -> CloseReason {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        var v = Validator()
        let text = v.requireText(label, field: "label", maxLength: 200)
        try v.throwIfInvalid()
        return try await env.database.transaction { db in
            var reason = CloseReason(entity: entity, label: text,
                                     position: try await self.store.reasons(entity: entity, includeArchived: true, on: db).count)
            reason.id = try await self.store.insert(reason, on: db)
            return reason
        }
    }

    /// Renames or archives a reason (records closed with it keep it).
    public func updateReason(_ id: Int64, label: String?, archived: Bool?, by principal: Principal) async throws -> CloseReason {
        try Access.requireAny(principal, .update, .settings)
        return try await env.database.transaction { db in
            guard var reason = try await self.store.reason(id: id, on: db) else { throw RapportError.notFound(entity: "close_reason") }
            var v = Validator()
            if label != nil { reason.label = v.requireText(label, field: "label", maxLength: 200) }
            try v.throwIfInvalid()
            if let archived { reason.archived = archived }
            try await self.store.update(reason, on: db)
            return reason
        }
    }

    // MARK: checking settings

    func requireRead(_ entity: PipelineEntity, _ principal: Principal) throws {
        if principal.may(.read, entity.permission) || principal.may(.update, .settings) { return }
        throw RapportError.notFound(entity: "pipeline")
    }

    func apply(_ input: PipelineInput, to pipeline: inout Pipeline, creating: Bool, _ v: inout Validator) {
        if creating || input.name != nil { pipeline.name = v.requireText(input.name, field: "name", maxLength: 100) }
        if let mode = v.choice(input.mode, ControlMode.self, field: "mode") { pipeline.mode = mode }
        if let position = input.position {
            if (0...1000).contains(position) { pipeline.position = position } else { v.add("position", "invalid", "position must be 0–1000") }
        }
    }

    static let maxEntryTasks = 20

    /// Applies a stage's settings, checking the gate's fields and condition and the tasks' templates.
    func apply(_ input: StageInput, to stage: inout Stage, entity: PipelineEntity, creating: Bool, _ db: any SQLDatabase,
               _ v: inout Validator) async throws {
        if creating || input.name != nil { stage.name = v.requireText(input.name, field: "name", maxLength: 100) }
        if let color = input.color {
            let valid = color.count == 7 && color.first == "#" && color.dropFirst().allSatisfy(\.isHexDigit)
            if valid { stage.color = color.uppercased() } else { v.add("color", "invalid", "color must be #RRGGBB") }
        }
        if let kind = v.choice(input.kind, StageKind.self, field: "kind") { stage.kind = kind }
        let known = try await knownFields(entity, db)
        if let fields = input.requiredFields {
            var kept: [String] = []
            for (index, field) in fields.enumerated() {
                if known.contains(field) { if !kept.contains(field) { kept.append(field) } } else {
                    v.add("required_fields[\(index)]", "unknown_field", "\(field) is not a field of a \(entity.rawValue)")
                }
            }
            stage.requiredFields = kept
        }
        if let text = input.condition { stage.condition = Self.condition(text, known: known, of: entity, &v) }
        if input.hint != nil { stage.hint = v.optionalText(input.hint, field: "hint", maxLength: 2000) }
        if let link = input.hintLink {
            let trimmed = link.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { stage.hintLink = nil } else if trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://")
                || (trimmed.hasPrefix("/") && !trimmed.hasPrefix("//")), trimmed.count <= 1000 {
                stage.hintLink = trimmed
            } else {
                v.add("hint_link", "invalid", "hint_link must be an http(s) address or a path of Rapport")
            }
        }
        if let auto = input.autoAdvance { stage.autoAdvance = auto }
        if let title = input.refusalTaskTitle {
            let trimmed = title.trimmingCharacters(in: .whitespaces)
            stage.refusalTaskTitle = trimmed.isEmpty ? nil : trimmed
            if !trimmed.isEmpty { checkTemplate(trimmed, field: "refusal_task_title", known: known, &v) }
        }
        if let tasks = input.entryTasks {
            if tasks.count > Self.maxEntryTasks { v.add("entry_tasks", "too_long", "at most \(Self.maxEntryTasks) tasks") }
            var templates: [StageTaskTemplate] = []
            for (index, task) in tasks.prefix(Self.maxEntryTasks).enumerated() {
                templates.append(try await template(task, field: "entry_tasks[\(index)]", known: known, db, &v))
            }
            stage.entryTasks = templates
        }
        // A closed stage has nowhere to advance to.
        if stage.kind != .open { stage.autoAdvance = false }
    }

    func template(_ input: StageTaskInput, field: String, known: Set<String>, _ db: any SQLDatabase, _ v: inout Validator)
        async throws -> StageTaskTemplate
    {
        let title = v.requireText(input.title, field: "\(field).title", maxLength: 300)
        checkTemplate(title, field: "\(field).title", known: known, &v)
        let description = v.optionalText(input.description, field: "\(field).description", maxLength: 20_000)
        if let description { checkTemplate(description, field: "\(field).description", known: known, &v) }
        let script = v.optionalText(input.script, field: "\(field).script", maxLength: 20_000)
        if let script { checkTemplate(script, field: "\(field).script", known: known, &v) }
        let checklist = (input.checklist ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if checklist.count > 100 { v.add("\(field).checklist", "too_long", "a checklist has at most 100 items") }
        if checklist.contains(where: { $0.count > 500 }) { v.add("\(field).checklist", "too_long", "an item has at most 500 characters") }
        if let hours = input.dueHours, !(hours > 0 && hours <= 2000) {
            v.add("\(field).due_hours", "invalid", "due_hours must be above 0 and at most 2000")
        }
        if let days = input.dueDays, !(1...365).contains(days) { v.add("\(field).due_days", "invalid", "due_days must be 1–365") }
        if input.dueHours != nil && input.dueDays != nil {
            v.add("\(field).due_days", "not_allowed", "give due_hours or due_days, not both")
        }
        if let memo = input.memoAttachmentID, try await AttachmentStore().find(id: memo, on: db) == nil {
            v.add("\(field).memo_attachment_id", "not_found", "no attachment with id \(memo)")
        }
        var assignee = StageTaskTemplate.Assignee.responsible
        switch input.assignee ?? "responsible" {
        case "responsible": break
        case "user":
            if let id = input.assigneeID, let user = try await UserStore().find(id: id, on: db), user.isActive {
                assignee = .user(id)
            } else { v.add("\(field).assignee_id", "not_found", "assignee_id must be an active user's id") }
        case "role":
            if let id = input.assigneeID, try await RoleStore().find(id: id, on: db) != nil { assignee = .role(id) } else {
                v.add("\(field).assignee_id", "not_found", "assignee_id must be a role's id")
            }
        default:
            v.add("\(field).assignee", "invalid", "assignee must be one of responsible, user, role")
        }
        let priority = v.choice(input.priority, WorkTask.Priority.self, field: "\(field).priority") ?? .normal
        return StageTaskTemplate(title: title, description: description, script: script, checklist: checklist,
                                 memoAttachmentID: input.memoAttachmentID, dueHours: input.dueHours, dueDays: input.dueDays,
                                 assignee: assignee, priority: priority)
    }

    /// A text with `{{field}}` placeholders must read, and name fields that exist.
    func checkTemplate(_ text: String, field: String, known: Set<String>, _ v: inout Validator) {
        TemplateCheck.check(text, field: field, known: known, &v)
    }

    /// A condition as typed, checked: nil for none; refused into `v` (field `condition`) when it
    /// is too long, does not read (the error names the character) or names a field that is not
    /// one of `known` — stage gates and routing rules alike.
    static func condition(_ text: String, known: Set<String>, of entity: PipelineEntity, _ v: inout Validator) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.count <= 2000 else {
            v.add("condition", "too_long", "condition must be at most 2000 characters")
            return nil
        }
        do {
            let condition = try GateCondition.parse(trimmed)
            for field in condition.fields.sorted() where !known.contains(field) {
                v.add("condition", "unknown_field", "the condition names \(field), which is not a field of a \(entity.rawValue)")
            }
        } catch {
            v.add("condition", "syntax", "the condition does not read \(error.description)")
        }
        return trimmed
    }

    /// The built-in fields and the active custom fields (`cf.<code>`) of the entity.
    func knownFields(_ entity: PipelineEntity, _ db: any SQLDatabase) async throws -> Set<String> {
        let custom = try await CustomValueChecks.definitions(entity.customFields, on: db).map { "cf." + $0.code }
        return Set(PipelineFields.builtIn(entity)).union(custom)
    }

    /// Whether a stored template names the field; one that no longer reads is searched as text,
    /// so a field it may still name is kept.
    static func templateNames(_ text: String, _ field: String) -> Bool {
        do { return try Placeholders(text).fields.contains(field) } catch { return text.contains("{{" + field) }
    }

    /// The stages whose gate or templates name a custom field: a field in use cannot be archived.
    static func stagesUsing(_ field: String, entity: PipelineEntity, _ db: any SQLDatabase) async throws -> [String] {
        try await PipelineStore().list(entity: entity, on: db).flatMap { pipeline in
            pipeline.stages.filter { stage in
                stage.requiredFields.contains(field) || (stage.parsedCondition?.fields.contains(field) ?? false)
                    || stage.unreadableConditionMentions(field)
                    || stage.entryTasks.contains { task in
                        [task.title, task.description ?? "", task.script ?? "", stage.refusalTaskTitle ?? ""]
                            .contains { Self.templateNames($0, field) }
                    }
            }.map { "\(pipeline.name) → \($0.name)" }
        }
    }
}
