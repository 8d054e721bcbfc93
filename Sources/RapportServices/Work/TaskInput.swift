import RapportDomain

/// What a person or a client sends to create or change a task. nil leaves a field as it is;
/// an empty string clears an optional text or date; dates are ISO 8601 with a zone.
public struct TaskInput: Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var checklist: [WorkTask.ChecklistItem]?
    public var ownerID: Int64?
    public var coExecutorIDs: [Int64]?
    public var observerIDs: [Int64]?
    public var startAt: String?
    public var deadline: String?
    public var reminders: [String]?
    public var priority: String?
    public var status: String?
    /// `company` or `contact`; an empty string removes the link.
    public var linkEntity: String?
    public var linkID: Int64?

    public init(title: String? = nil, description: String? = nil, checklist: [WorkTask.ChecklistItem]? = nil,
                ownerID: Int64? = nil, coExecutorIDs: [Int64]? = nil, observerIDs: [Int64]? = nil, startAt: String? = nil,
                deadline: String? = nil, reminders: [String]? = nil, priority: String? = nil, status: String? = nil,
                linkEntity: String? = nil, linkID: Int64? = nil) {
        self.title = title; self.description = description; self.checklist = checklist; self.ownerID = ownerID
        self.coExecutorIDs = coExecutorIDs; self.observerIDs = observerIDs; self.startAt = startAt; self.deadline = deadline
        self.reminders = reminders; self.priority = priority; self.status = status; self.linkEntity = linkEntity
        self.linkID = linkID
    }
}
