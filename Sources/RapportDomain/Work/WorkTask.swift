import Foundation

/// A task: something one person (the responsible) must do by a deadline, with helpers
/// (co-executors) and people who follow it (observers), a checklist, reminders and
/// comments, usually about a record (a client, later a lead or a deal). Named `WorkTask` so
/// it never shadows Swift's `Task`.
public struct WorkTask: Equatable, Sendable {
    public enum Status: String, CaseIterable, Codable, Sendable {
        case new, inProgress = "in_progress", waiting, done, cancelled

        /// Still to be done: counts for "overdue".
        public var isOpen: Bool { self != .done && self != .cancelled }
    }

    public enum Priority: String, CaseIterable, Codable, Sendable, Comparable {
        case low, normal, high

        public static func < (lhs: Priority, rhs: Priority) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// One line of the checklist.
    public struct ChecklistItem: Equatable, Codable, Sendable {
        public var text: String
        public var done: Bool

        public init(text: String, done: Bool = false) {
            self.text = text
            self.done = done
        }
    }

    /// The record a task is about.
    public struct Link: Equatable, Hashable, Codable, Sendable {
        public var entity: String
        public var id: Int64

        public init(entity: String, id: Int64) {
            self.entity = entity
            self.id = id
        }

        /// Records a task can be about, as the permission matrix names them.
        public static let entities: [String: PermissionEntity] = [
            "company": .company, "contact": .contact, "lead": .lead, "deal": .deal,
        ]
    }

    public var id: Int64
    public var title: String
    public var description: String?
    public var checklist: [ChecklistItem]
    public var ownerID: Int64
    public var coExecutorIDs: [Int64]
    public var observerIDs: [Int64]
    public var startAt: Date?
    public var deadline: Date?
    /// When to remind the responsible (and co-executors), ascending.
    public var reminders: [Date]
    public var priority: Priority
    public var status: Status
    public var link: Link?
    public var completedAt: Date?
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, title: String, description: String? = nil, checklist: [ChecklistItem] = [], ownerID: Int64,
                coExecutorIDs: [Int64] = [], observerIDs: [Int64] = [], startAt: Date? = nil, deadline: Date? = nil,
                reminders: [Date] = [], priority: Priority = .normal, status: Status = .new, link: Link? = nil,
                completedAt: Date? = nil, createdBy: Int64? = nil, createdAt: Date, updatedAt: Date, version: Int64 = 1) {
        self.id = id; self.title = title; self.description = description; self.checklist = checklist
        self.ownerID = ownerID; self.coExecutorIDs = coExecutorIDs; self.observerIDs = observerIDs
        self.startAt = startAt; self.deadline = deadline; self.reminders = reminders; self.priority = priority
        self.status = status; self.link = link; self.completedAt = completedAt; self.createdBy = createdBy
        self.createdAt = createdAt; self.updatedAt = updatedAt; self.version = version
    }

    /// Open and past its deadline at `now`.
    public func isOverdue(at now: Date) -> Bool {
        status.isOpen && (deadline.map { $0 < now } ?? false)
    }

    /// Everyone the task concerns: the responsible, co-executors and observers.
    public var memberIDs: Set<Int64> { Set([ownerID] + coExecutorIDs + observerIDs) }
}

/// A comment under a task; `mentions` are the users named with `@` in it.
public struct TaskComment: Equatable, Sendable {
    public var id: Int64
    public var taskID: Int64
    public var authorID: Int64
    public var body: String
    public var mentions: [Int64]
    public var createdAt: Date

    public init(id: Int64 = 0, taskID: Int64, authorID: Int64, body: String, mentions: [Int64], createdAt: Date) {
        self.id = id; self.taskID = taskID; self.authorID = authorID; self.body = body; self.mentions = mentions
        self.createdAt = createdAt
    }

    /// The `@handles` in a comment: `@` followed by letters, digits, `.` `_` `-` (an e-mail's
    /// name part or a login), lower-cased, in order, without repeats.
    public static func mentionHandles(_ body: String) -> [String] {
        var handles: [String] = []
        var index = body.startIndex
        while let at = body[index...].firstIndex(of: "@") {
            let before = at > body.startIndex ? body[body.index(before: at)] : " "
            var end = body.index(after: at)
            while end < body.endIndex, body[end].isLetter || body[end].isNumber || "._-".contains(body[end]) {
                end = body.index(after: end)
            }
            var handle = body[body.index(after: at)..<end].lowercased()
            while handle.hasSuffix(".") || handle.hasSuffix("-") { handle.removeLast() }
            // "name@example.com" inside a word is an address, not a mention.
            if !(before.isLetter || before.isNumber), !handle.isEmpty, !handles.contains(handle) { handles.append(handle) }
            index = end
        }
        return handles
    }
}
