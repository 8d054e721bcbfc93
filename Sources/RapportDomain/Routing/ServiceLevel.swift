import Foundation

/// "A new lead must be contacted within 10 working minutes" (P5): for the leads of a pipeline,
/// a source and a stage (each optional; no stage means on arrival, in the first stage), the
/// stay's first task must be done within `minutes` of the responsible's working time. When it
/// is not, the breach is counted against the responsible and acted on once: another employee
/// is told, or the lead and its task go to the next one the routing rules choose; the head is
/// told either way.
public struct ServiceLevel: Equatable, Sendable {
    public enum Action: String, CaseIterable, Sendable {
        /// Tell `notifyUserID` (and the head).
        case notify
        /// Give the lead and the task to the next one the routing rules choose (and tell the head).
        case reassign
    }

    public var id: Int64
    public var name: String
    public var position: Int
    public var active: Bool
    /// Working minutes from the lead's arrival in the stage to its first task done.
    public var minutes: Int
    public var pipelineID: Int64?
    /// nil: the pipeline's first stage (a new lead).
    public var stageID: Int64?
    public var source: String?
    public var action: Action
    public var notifyUserID: Int64?
    public var version: Int64

    public init(id: Int64 = 0, name: String, position: Int = 0, active: Bool = true, minutes: Int = 10, pipelineID: Int64? = nil,
                stageID: Int64? = nil, source: String? = nil, action: Action = .notify, notifyUserID: Int64? = nil,
                version: Int64 = 1) {
        self.id = id
        self.name = name
        self.position = position
        self.active = active
        self.minutes = minutes
        self.pipelineID = pipelineID
        self.stageID = stageID
        self.source = source
        self.action = action
        self.notifyUserID = notifyUserID
        self.version = version
    }

    /// Whether it watches a lead of `source` that entered `stageID` (`firstStageID` being its
    /// pipeline's first open stage) of pipeline `pipelineID`.
    public func watches(pipelineID: Int64, stageID: Int64, firstStageID: Int64?, source: String?) -> Bool {
        guard active else { return false }
        if let wanted = self.pipelineID, wanted != pipelineID { return false }
        if let wanted = self.stageID { if wanted != stageID { return false } } else if stageID != firstStageID { return false }
        if let wanted = self.source, wanted.lowercased() != (source ?? "").lowercased() { return false }
        return true
    }
}

/// One lead watched by a service level: whose it was, by when, and what became of it.
public struct ServiceLevelCheck: Equatable, Sendable {
    public enum State: String, Sendable {
        case pending, met, breached
    }

    public var id: Int64
    public var serviceLevelID: Int64
    public var leadID: Int64
    public var taskID: Int64
    /// The responsible while it was watched (who a breach counts against).
    public var userID: Int64
    public var dueAt: Date
    public var state: State
    public var actedAt: Date?
    /// Who the lead went to (a reassigning service level).
    public var newUserID: Int64?
    public var createdAt: Date

    public init(id: Int64 = 0, serviceLevelID: Int64, leadID: Int64, taskID: Int64, userID: Int64, dueAt: Date,
                state: State = .pending, createdAt: Date) {
        self.id = id
        self.serviceLevelID = serviceLevelID
        self.leadID = leadID
        self.taskID = taskID
        self.userID = userID
        self.dueAt = dueAt
        self.state = state
        self.createdAt = createdAt
    }
}
