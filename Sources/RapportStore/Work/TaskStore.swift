import Foundation
import RapportDomain
import SQLKit

/// The tables of tasks, their members and comments.
public struct TaskStore: Sendable {
    public init() {}

    /// Which of "my" task lists.
    public enum View: String, CaseIterable, Sendable {
        /// Tasks the user is responsible for or a co-executor of.
        case mine
        /// Tasks the user observes.
        case observing
        /// Tasks the user set for someone else.
        case given
        /// Open tasks past their deadline, that the user is responsible for or a co-executor of.
        case overdue
        /// Every task the user's read scope reaches.
        case all
    }

    public struct Query: Sendable {
        public var view: View
        public var status: WorkTask.Status?
        /// Open tasks only (not done, not cancelled).
        public var openOnly: Bool
        public var link: WorkTask.Link?
        /// Only tasks with a deadline at or after / before these moments.
        public var deadlineFrom: Date?
        public var deadlineBefore: Date?
        /// Only tasks these people are responsible for or co-executors of (a calendar of a
        /// person or a team).
        public var peopleIDs: [Int64]?

        public init(view: View = .mine, status: WorkTask.Status? = nil, openOnly: Bool = false, link: WorkTask.Link? = nil,
                    deadlineFrom: Date? = nil, deadlineBefore: Date? = nil, peopleIDs: [Int64]? = nil) {
            self.view = view; self.status = status; self.openOnly = openOnly; self.link = link; self.deadlineFrom = deadlineFrom
            self.deadlineBefore = deadlineBefore; self.peopleIDs = peopleIDs
        }
    }

    static let columns = """
        tasks.id, tasks.title, tasks.description, tasks.checklist, tasks.owner_id, tasks.start_at, tasks.deadline,
        tasks.reminders, tasks.priority, tasks.status, tasks.link_entity, tasks.link_id, tasks.completed_at, tasks.created_by,
        tasks.created_at, tasks.updated_at, tasks.version
        """

    /// Writes a new task; `stageVisitID` marks one a stage made (its stay's tasks).
    public func insert(_ t: WorkTask, stageVisitID: Int64? = nil, on db: any SQLDatabase) async throws -> Int64 {
        let id = try await db.raw("""
            INSERT INTO tasks (title, description, checklist, owner_id, start_at, deadline, reminders, priority, status,
                link_entity, link_id, completed_at, created_by, created_at, updated_at, version, stage_visit_id)
            VALUES (\(bind: t.title), \(bind: t.description), \(Self.checklist(t.checklist, on: db)), \(bind: t.ownerID),
                \(bind: t.startAt?.millis), \(bind: t.deadline?.millis), \(bind: Self.list(t.reminders.map(\.millis))),
                \(bind: t.priority.rawValue), \(bind: t.status.rawValue), \(bind: t.link?.entity), \(bind: t.link?.id),
                \(bind: t.completedAt?.millis), \(bind: t.createdBy), \(bind: t.createdAt.millis), \(bind: t.updatedAt.millis), 1,
                \(bind: stageVisitID))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        // A new task has no members to replace: only given ones are written.
        let rows: [[any Encodable & Sendable]] = t.coExecutorIDs.map { [id, $0, "co_executor"] } + t.observerIDs.map { [id, $0, "observer"] }
        try await BulkInsert(table: "task_members", columns: ["task_id", "user_id", "role"]).run(rows, on: db)
        return id
    }

    /// Saves `t` when its version is still `expectedVersion`; the new version, or nil when stale.
    public func update(_ t: WorkTask, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        let row = try await db.raw("""
            UPDATE tasks SET title = \(bind: t.title), description = \(bind: t.description),
                checklist = \(Self.checklist(t.checklist, on: db)), owner_id = \(bind: t.ownerID),
                start_at = \(bind: t.startAt?.millis), deadline = \(bind: t.deadline?.millis),
                reminders = \(bind: Self.list(t.reminders.map(\.millis))), priority = \(bind: t.priority.rawValue),
                status = \(bind: t.status.rawValue), link_entity = \(bind: t.link?.entity), link_id = \(bind: t.link?.id),
                completed_at = \(bind: t.completedAt?.millis), updated_at = \(bind: t.updatedAt.millis), version = version + 1
            WHERE id = \(bind: t.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()
        guard let row else { return nil }
        try await replaceMembers(of: t.id, coExecutors: t.coExecutorIDs, observers: t.observerIDs, on: db)
        return try row.decode(column: "version", as: Int64.self)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM task_comments WHERE task_id = \(bind: id)").run()
        try await db.raw("DELETE FROM task_members WHERE task_id = \(bind: id)").run()
        try await db.raw("DELETE FROM tasks WHERE id = \(bind: id)").run()
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> WorkTask? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE id = \(bind: id)").first()
        else { return nil }
        return try await withMembers([try Self.decode(row)], on: db).first
    }

    /// A page of the tasks `query` names for `subject`, within `scope` for the "all" view.
    /// Ordered by deadline (tasks without one last), then id.
    public func list(_ query: Query, scope: PermissionScope, subject: AccessSubject, now: Date, page: PageRequest,
                     on db: any SQLDatabase) async throws -> Page<WorkTask> {
        let me = subject.userID
        var conditions: [SQLQueryString] = []
        // "Mine" is the responsible's tasks and the co-executor's, two queries on their own
        // indexes merged (one OR would read the whole table on PostgreSQL).
        let worker: [SQLQueryString] = [
            "tasks.owner_id = \(bind: me)",
            "tasks.id IN (SELECT task_id FROM task_members WHERE user_id = \(bind: me) AND role = 'co_executor')",
        ]
        var alternatives: [[SQLQueryString]] = []
        switch query.view {
        case .mine: alternatives.append(worker)
        case .observing:
            conditions.append("tasks.id IN (SELECT task_id FROM task_members WHERE user_id = \(bind: me) AND role = 'observer')")
        case .given: conditions.append("tasks.created_by = \(bind: me) AND tasks.owner_id <> \(bind: me)")
        case .overdue:
            alternatives.append(worker)
            conditions.append("tasks.deadline < \(bind: now.millis)")
        case .all: conditions.append(ScopeFilter.condition(scope, subject: subject, ownerColumn: "tasks.owner_id"))
        }
        if query.openOnly || query.view == .overdue { conditions.append("tasks.status NOT IN ('done', 'cancelled')") }
        if let status = query.status { conditions.append("tasks.status = \(bind: status.rawValue)") }
        if let from = query.deadlineFrom { conditions.append("tasks.deadline >= \(bind: from.millis)") }
        if let before = query.deadlineBefore { conditions.append("tasks.deadline < \(bind: before.millis)") }
        if let people = query.peopleIDs {
            if people.isEmpty {
                conditions.append("1 = 0")
            } else {
                alternatives.append([
                    "tasks.owner_id IN (\(binds: people))",
                    "tasks.id IN (SELECT task_id FROM task_members WHERE user_id IN (\(binds: people)) AND role = 'co_executor')",
                ])
            }
        }
        if let link = query.link {
            conditions.append("tasks.link_entity = \(bind: link.entity) AND tasks.link_id = \(bind: link.id)")
        }
        // Keyset on (deadline or "none", id): tasks without a deadline sort after every date.
        let sortKey = Self.deadline
        if let cursor = page.cursor {
            guard let after = Int64(cursor.sortValue) else {
                throw RapportError.invalid("cursor", "invalid", "cursor does not match the sort order")
            }
            conditions.append("(\(sortKey) > \(bind: after) OR (\(sortKey) = \(bind: after) AND tasks.id > \(bind: cursor.id)))")
        }
        var found: [[WorkTask]] = []
        for branch in Keyset.branches(alternatives) {
            let all = conditions + branch
            found.append(try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM tasks WHERE \(all.joined(separator: " AND "))
                ORDER BY \(sortKey), tasks.id LIMIT \(literal: page.limit + 1)
                """).all().map(Self.decode))
        }
        var tasks = Keyset.merge(found, key: { ($0.deadline?.millis ?? Int64.max, $0.id) }, ascending: true,
                                 limit: page.limit + 1)
        let more = tasks.count > page.limit
        if more { tasks.removeLast() }
        tasks = try await withMembers(tasks, on: db)
        let next = more ? tasks.last.map { PageCursor(sortValue: String($0.deadline?.millis ?? Int64.max), id: $0.id) } : nil
        return Page(items: tasks, nextCursor: next)
    }

    /// How many open tasks past their deadline `userID` is responsible for or helps with.
    public func overdueCount(userID: Int64, now: Date, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT \(Self.openCount(userID, "\(Self.deadline) < \(bind: now.millis)")) AS n")
            .first()!.decode(column: "n", as: Int.self)
    }

    /// The sort key of deadlines (`list`): tasks without one after every date.
    static let deadline: SQLQueryString = "COALESCE(tasks.deadline, \(literal: Int64.max))"

    /// How many of `userID`'s open tasks meet `condition` (counted up to `cap`): two counts,
    /// each on its own index (see `list`) — as responsible, and as a co-executor of others' tasks.
    static func openCount(_ userID: Int64, _ condition: SQLQueryString, cap: Int? = nil) -> SQLQueryString {
        let limit: SQLQueryString = cap.map { "LIMIT \(literal: $0)" } ?? ""
        return """
            (SELECT COUNT(*) FROM (SELECT 1 AS one FROM tasks
                WHERE tasks.owner_id = \(bind: userID) AND tasks.status NOT IN ('done', 'cancelled') AND \(condition)
                \(limit)) mine)
            + (SELECT COUNT(*) FROM (SELECT 1 AS one FROM tasks
                WHERE tasks.id IN (SELECT task_id FROM task_members WHERE user_id = \(bind: userID) AND role = 'co_executor')
                  AND tasks.owner_id <> \(bind: userID) AND tasks.status NOT IN ('done', 'cancelled') AND \(condition)
                \(limit)) helping)
            """
    }

    /// The desktop's counts of one person's open tasks (responsible or co-executor).
    public struct DayCounts: Sendable, Equatable {
        /// Open tasks, counted up to the cap asked for.
        public var open: Int
        /// Open tasks due from now to the end of the day.
        public var dueLaterToday: Int
        public var overdue: Int

        public init(open: Int, dueLaterToday: Int, overdue: Int) {
            self.open = open; self.dueLaterToday = dueLaterToday; self.overdue = overdue
        }
    }

    /// `userID`'s `DayCounts` in one statement (see `openCount`).
    public func dayCounts(userID: Int64, now: Date, endOfDay: Date, openCap: Int, on db: any SQLDatabase) async throws
        -> DayCounts
    {
        let deadline = Self.deadline
        let row = try await db.raw("""
            SELECT \(Self.openCount(userID, "1 = 1", cap: openCap)) AS open,
                \(Self.openCount(userID, "\(deadline) >= \(bind: now.millis) AND \(deadline) < \(bind: endOfDay.millis)")) AS later,
                \(Self.openCount(userID, "\(deadline) < \(bind: now.millis)")) AS overdue
            """).first()!
        return DayCounts(open: min(openCap, try row.decode(column: "open", as: Int.self)),
                         dueLaterToday: try row.decode(column: "later", as: Int.self),
                         overdue: try row.decode(column: "overdue", as: Int.self))
    }

    // MARK: comments

    public func addComment(_ c: TaskComment, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO task_comments (task_id, author_id, body, mentions, created_at)
            VALUES (\(bind: c.taskID), \(bind: c.authorID), \(bind: c.body), \(bind: Self.list(c.mentions)), \(bind: c.createdAt.millis))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func comments(taskID: Int64, on db: any SQLDatabase) async throws -> [TaskComment] {
        try await db.raw("""
            SELECT id, task_id, author_id, body, mentions, created_at FROM task_comments
            WHERE task_id = \(bind: taskID) ORDER BY id
            """).all().map { row in
            TaskComment(id: try row.decode(column: "id", as: Int64.self), taskID: try row.decode(column: "task_id", as: Int64.self),
                        authorID: try row.decode(column: "author_id", as: Int64.self),
                        body: try row.decode(column: "body", as: String.self),
                        mentions: Self.ids(try row.decode(column: "mentions", as: String.self)),
                        createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
        }
    }

    // MARK: helpers

    func replaceMembers(of id: Int64, coExecutors: [Int64], observers: [Int64], on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM task_members WHERE task_id = \(bind: id)").run()
        let rows: [[any Encodable & Sendable]] = coExecutors.map { [id, $0, "co_executor"] } + observers.map { [id, $0, "observer"] }
        try await BulkInsert(table: "task_members", columns: ["task_id", "user_id", "role"]).run(rows, on: db)
    }

    func withMembers(_ tasks: [WorkTask], on db: any SQLDatabase) async throws -> [WorkTask] {
        guard !tasks.isEmpty else { return tasks }
        var members: [Int64: (co: [Int64], observers: [Int64])] = [:]
        for row in try await db.raw("""
            SELECT task_id, user_id, role FROM task_members WHERE task_id IN (\(binds: tasks.map(\.id))) ORDER BY task_id, user_id
            """).all() {
            let task = try row.decode(column: "task_id", as: Int64.self), user = try row.decode(column: "user_id", as: Int64.self)
            if try row.decode(column: "role", as: String.self) == "observer" {
                members[task, default: ([], [])].observers.append(user)
            } else {
                members[task, default: ([], [])].co.append(user)
            }
        }
        return tasks.map { task in
            var task = task
            task.coExecutorIDs = members[task.id]?.co ?? []
            task.observerIDs = members[task.id]?.observers ?? []
            return task
        }
    }

    static func checklist(_ items: [WorkTask.ChecklistItem], on db: any SQLDatabase) -> SQLQueryString {
        let text = JSONText.encode(items)
        return db.dialect.name == "sqlite" ? "\(bind: text)" : "CAST(\(bind: text) AS jsonb)"
    }

    static func list(_ values: [Int64]) -> String { values.map(String.init).joined(separator: ",") }

    static func ids(_ text: String) -> [Int64] { text.split(separator: ",").compactMap { Int64($0) } }

    static func decode(_ row: any SQLRow) throws -> WorkTask {
        let checklistText = try row.decode(column: "checklist", as: String.self)
        let checklist = checklistText == "[]" ? [] : try JSONText.decode([WorkTask.ChecklistItem].self, checklistText)
        let linkEntity = try row.decode(column: "link_entity", as: String?.self)
        let linkID = try row.decode(column: "link_id", as: Int64?.self)
        return WorkTask(
            id: try row.decode(column: "id", as: Int64.self), title: try row.decode(column: "title", as: String.self),
            description: try row.decode(column: "description", as: String?.self), checklist: checklist,
            ownerID: try row.decode(column: "owner_id", as: Int64.self),
            startAt: try row.decode(column: "start_at", as: Int64?.self).map(Date.init(millis:)),
            deadline: try row.decode(column: "deadline", as: Int64?.self).map(Date.init(millis:)),
            reminders: ids(try row.decode(column: "reminders", as: String.self)).map(Date.init(millis:)),
            priority: WorkTask.Priority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .normal,
            status: WorkTask.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .new,
            link: linkEntity.flatMap { entity in linkID.map { WorkTask.Link(entity: entity, id: $0) } },
            completedAt: try row.decode(column: "completed_at", as: Int64?.self).map(Date.init(millis:)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            version: try row.decode(column: "version", as: Int64.self))
    }
}
