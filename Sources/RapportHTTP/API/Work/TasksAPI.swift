import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// A task as the API shows it.
struct TaskDTO: Encodable {
    var task: WorkTask
    var overdue: Bool
    var comments: [CommentDTO]?

    struct CommentDTO: Encodable {
        var id: Int64
        var authorID: Int64
        var body: String
        var mentions: [Int64]
        var createdAt: String

        enum CodingKeys: String, CodingKey {
            case id, body, mentions
            case authorID = "author_id", createdAt = "created_at"
        }

        init(_ c: TaskComment) {
            id = c.id; authorID = c.authorID; body = c.body; mentions = c.mentions; createdAt = ISO8601.string(c.createdAt)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, title, description, checklist, priority, status, overdue, reminders, link, version, comments
        case ownerID = "owner_id", coExecutorIDs = "co_executor_ids", observerIDs = "observer_ids", startAt = "start_at"
        case deadline, completedAt = "completed_at", createdBy = "created_by", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task.id, forKey: .id)
        try c.encode(task.title, forKey: .title)
        try c.encode(task.description, forKey: .description)
        try c.encode(task.checklist, forKey: .checklist)
        try c.encode(task.ownerID, forKey: .ownerID)
        try c.encode(task.coExecutorIDs, forKey: .coExecutorIDs)
        try c.encode(task.observerIDs, forKey: .observerIDs)
        try c.encode(task.startAt.map(ISO8601.string), forKey: .startAt)
        try c.encode(task.deadline.map(ISO8601.string), forKey: .deadline)
        try c.encode(task.reminders.map(ISO8601.string), forKey: .reminders)
        try c.encode(task.priority.rawValue, forKey: .priority)
        try c.encode(task.status.rawValue, forKey: .status)
        try c.encode(overdue, forKey: .overdue)
        try c.encode(task.link, forKey: .link)
        try c.encode(task.completedAt.map(ISO8601.string), forKey: .completedAt)
        try c.encode(task.createdBy, forKey: .createdBy)
        try c.encode(ISO8601.string(task.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(task.updatedAt), forKey: .updatedAt)
        try c.encode(task.version, forKey: .version)
        if let comments { try c.encode(comments, forKey: .comments) }
    }
}

/// `POST /api/v1/tasks`, `PATCH /api/v1/tasks/{id}`.
struct TaskBody: StrictInput {
    var title: String?
    var description: String?
    var checklist: [WorkTask.ChecklistItem]?
    var ownerID: Int64?
    var coExecutorIDs: [Int64]?
    var observerIDs: [Int64]?
    var startAt: String?
    var deadline: String?
    var reminders: [String]?
    var priority: String?
    var status: String?
    var linkEntity: String?
    var linkID: Int64?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, checklist, deadline, reminders, priority, status
        case ownerID = "owner_id", coExecutorIDs = "co_executor_ids", observerIDs = "observer_ids", startAt = "start_at"
        case linkEntity = "link_entity", linkID = "link_id"
    }
    typealias Keys = CodingKeys

    var input: TaskInput {
        TaskInput(title: title, description: description, checklist: checklist, ownerID: ownerID, coExecutorIDs: coExecutorIDs,
                  observerIDs: observerIDs, startAt: startAt, deadline: deadline, reminders: reminders, priority: priority,
                  status: status, linkEntity: linkEntity, linkID: linkID)
    }
}

struct CommentBody: StrictInput {
    var body: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case body }
    typealias Keys = CodingKeys
}

/// `/api/v1/tasks`: the caller's task lists, a task with its comments, changes and comments.
struct TasksAPI {
    let tasks: TaskService
    let clock: any WallClock

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("tasks") { request, context in
            let query = QueryReader(request: request)
            var filter = TaskStore.Query(view: try query.oneOf("view", TaskStore.View.self) ?? .mine,
                                         status: try query.oneOf("status", WorkTask.Status.self),
                                         openOnly: try query.bool("open") ?? false)
            if let entity = try query.string("link_entity", maxLength: 20) {
                guard WorkTask.Link.entities[entity] != nil else {
                    throw RapportError.invalid("link_entity", "invalid", "link_entity must be company or contact")
                }
                guard let id = try query.int64("link_id") else {
                    throw RapportError.invalid("link_id", "required", "link_id is required with link_entity")
                }
                filter.link = .init(entity: entity, id: id)
            }
            let page = try await tasks.list(filter, page: try query.page(), by: try context.requirePrincipal())
            let now = clock.now()
            return try JSONResponse.make(ListBody(page) { TaskDTO(task: $0, overdue: $0.isOverdue(at: now)) })
        }
        group.get("tasks/summary") { _, context in
            let overdue = try await tasks.overdueCount(by: try context.requirePrincipal())
            return try JSONResponse.make(["overdue": overdue])
        }
        group.post("tasks") { request, context in
            let body = try await JSONBody.decode(TaskBody.self, from: request, context: context)
            let task = try await tasks.create(body.input, by: try context.requirePrincipal())
            return try JSONResponse.make(TaskDTO(task: task, overdue: task.isOverdue(at: clock.now())), status: .created,
                                         version: task.version, headers: [.location: "/api/v1/tasks/\(task.id)"])
        }
        group.get("tasks/{id}") { _, context in
            let card = try await tasks.get(try context.id(entity: "task"), by: try context.requirePrincipal())
            return try JSONResponse.make(TaskDTO(task: card.task, overdue: card.task.isOverdue(at: clock.now()),
                                                 comments: card.comments.map(TaskDTO.CommentDTO.init)),
                                         version: card.task.version)
        }
        group.patch("tasks/{id}") { request, context in
            let id = try context.id(entity: "task")
            let body = try await JSONBody.decode(TaskBody.self, from: request, context: context)
            let task = try await tasks.update(id, body.input, expectedVersion: try request.ifMatchVersion(),
                                              by: try context.requirePrincipal())
            return try JSONResponse.make(TaskDTO(task: task, overdue: task.isOverdue(at: clock.now())), version: task.version)
        }
        group.delete("tasks/{id}") { request, context in
            try await tasks.delete(try context.id(entity: "task"), expectedVersion: try request.ifMatchVersion(),
                                   by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.post("tasks/{id}/comments") { request, context in
            let id = try context.id(entity: "task")
            let body = try await JSONBody.decode(CommentBody.self, from: request, context: context)
            let comment = try await tasks.comment(on: id, body: body.body, by: try context.requirePrincipal())
            return try JSONResponse.make(TaskDTO.CommentDTO(comment), status: .created)
        }
    }
}
