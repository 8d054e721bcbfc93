import Foundation

/// The records that move through pipelines.
public enum PipelineEntity: String, CaseIterable, Codable, Sendable {
    case lead, deal

    public var permission: PermissionEntity { self == .lead ? .lead : .deal }
    public var customFields: CustomFieldEntity { self == .lead ? .lead : .deal }
    /// The table its records live in.
    public var table: String { self == .lead ? "leads" : "deals" }
}

/// A company's process for leads or for deals: its stages in order and how strictly records
/// keep to them.
public struct Pipeline: Equatable, Sendable {
    public var id: Int64
    public var entity: PipelineEntity
    public var name: String
    public var mode: ControlMode
    /// The order among the entity's pipelines; the first is where new records go by default.
    public var position: Int
    /// Ordered by position.
    public var stages: [Stage]
    public var version: Int64

    public init(id: Int64 = 0, entity: PipelineEntity, name: String, mode: ControlMode = .strict, position: Int = 0,
                stages: [Stage] = [], version: Int64 = 1) {
        self.id = id
        self.entity = entity
        self.name = name
        self.mode = mode
        self.position = position
        self.stages = stages
        self.version = version
    }

    public func stage(_ id: Int64) -> Stage? { stages.first { $0.id == id } }

    /// Where a new record starts: the first open stage.
    public var firstStage: Stage? { stages.first { $0.kind == .open } }

    /// The open stage after `stage`, or the first won stage after the last open one: where an
    /// automatic advance goes.
    public func next(after stage: Stage) -> Stage? {
        let later = stages.filter { $0.position > stage.position }
        return later.first { $0.kind == .open } ?? later.first { $0.kind == .won }
    }

    /// The gates of every stage, for `StageGate`.
    public var rules: [StageRule] { stages.map(\.rule) }
}

/// One step of a pipeline, with what a record needs to enter it and what happens when it does.
public struct Stage: Equatable, Sendable {
    public var id: Int64
    public var pipelineID: Int64
    public var name: String
    /// `#RRGGBB`.
    public var color: String
    public var position: Int
    public var kind: StageKind
    /// Fields a record must have to enter: built-in codes or `cf.<code>`.
    public var requiredFields: [String]
    /// The entry condition as written (`GateCondition` language); checked when saved.
    public var condition: String?
    /// "What to do next", shown on the record while it is here.
    public var hint: String?
    public var hintLink: String?
    /// Move on to the next stage when every task made on entry is done.
    public var autoAdvance: Bool
    /// The title of the task given to the responsible when an automatic advance is refused
    /// (placeholders allowed); nil gives a standard title naming what is missing.
    public var refusalTaskTitle: String?
    /// Tasks made when a record enters.
    public var entryTasks: [StageTaskTemplate]
    public var version: Int64

    public init(id: Int64 = 0, pipelineID: Int64 = 0, name: String, color: String = "#4A90D9", position: Int = 0,
                kind: StageKind = .open, requiredFields: [String] = [], condition: String? = nil, hint: String? = nil,
                hintLink: String? = nil, autoAdvance: Bool = false, refusalTaskTitle: String? = nil,
                entryTasks: [StageTaskTemplate] = [], version: Int64 = 1) {
        self.id = id
        self.pipelineID = pipelineID
        self.name = name
        self.color = color
        self.position = position
        self.kind = kind
        self.requiredFields = requiredFields
        self.condition = condition
        self.hint = hint
        self.hintLink = hintLink
        self.autoAdvance = autoAdvance
        self.refusalTaskTitle = refusalTaskTitle
        self.entryTasks = entryTasks
        self.version = version
    }

    /// The condition as read: none, the condition, or the reading's mistake. A stored condition
    /// was checked when saved; one that no longer reads (the data was changed by hand) keeps
    /// every record out (`StageRule.unreadableCondition`) rather than letting any in.
    public var readCondition: Result<GateCondition, SyntaxError>? {
        guard let condition, !condition.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return Result { () throws(SyntaxError) in try GateCondition.parse(condition) }
    }

    /// The condition when it reads; nil when there is none or it does not read.
    public var parsedCondition: GateCondition? {
        if case .success(let condition)? = readCondition { return condition }
        return nil
    }

    /// Whether a condition that no longer reads still mentions the field (as text), so the
    /// field is not archived from under it.
    public func unreadableConditionMentions(_ field: String) -> Bool {
        guard case .failure? = readCondition, let condition else { return false }
        return condition.contains(field)
    }

    public var rule: StageRule {
        var rule = StageRule(stageID: id, position: position, kind: kind, requiredFields: requiredFields, condition: parsedCondition)
        if case .failure? = readCondition { rule.unreadableCondition = condition }
        return rule
    }
}

/// A task a stage gives when a record enters it.
public struct StageTaskTemplate: Equatable, Sendable, Codable {
    /// Who gets the task.
    public enum Assignee: Equatable, Sendable, Codable {
        /// The record's responsible.
        case responsible
        case user(Int64)
        /// The active person with that role who has the fewest open tasks.
        case role(Int64)
    }

    /// Title and description may hold `{{field}}` placeholders of the record's fields.
    public var title: String
    public var description: String?
    /// What to say and do, shown with the task.
    public var script: String?
    public var checklist: [String]
    /// An attachment (an illustrated memo) shown with the task.
    public var memoAttachmentID: Int64?
    /// The deadline in working time from entry (hours, days or none).
    public var dueHours: Double?
    public var dueDays: Int?
    public var assignee: Assignee
    public var priority: WorkTask.Priority

    public init(title: String, description: String? = nil, script: String? = nil, checklist: [String] = [],
                memoAttachmentID: Int64? = nil, dueHours: Double? = nil, dueDays: Int? = nil,
                assignee: Assignee = .responsible, priority: WorkTask.Priority = .normal) {
        self.title = title
        self.description = description
        self.script = script
        self.checklist = checklist
        self.memoAttachmentID = memoAttachmentID
        self.dueHours = dueHours
        self.dueDays = dueDays
        self.assignee = assignee
        self.priority = priority
    }
}

/// A reason a lead was closed as junk or a deal lost, from the company's list.
public struct CloseReason: Equatable, Sendable {
    public var id: Int64
    public var entity: PipelineEntity
    public var label: String
    public var position: Int
    public var archived: Bool

    public init(id: Int64 = 0, entity: PipelineEntity, label: String, position: Int = 0, archived: Bool = false) {
        self.id = id
        self.entity = entity
        self.label = label
        self.position = position
        self.archived = archived
    }
}

/// A record's stay in a stage: when it entered, when it left (nil while it is there), who moved it.
public struct StageVisit: Equatable, Sendable {
    public var id: Int64
    public var stageID: Int64
    public var enteredAt: Date
    public var leftAt: Date?
    public var movedBy: Int64?

    public init(id: Int64, stageID: Int64, enteredAt: Date, leftAt: Date?, movedBy: Int64?) {
        self.id = id
        self.stageID = stageID
        self.enteredAt = enteredAt
        self.leftAt = leftAt
        self.movedBy = movedBy
    }
}
