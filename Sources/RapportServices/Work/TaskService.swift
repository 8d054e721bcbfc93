import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Tasks: created by people on the pages and the API, and by stages and automation
/// (`create(_:due:calendar:by:)`, with a deadline in working time). Who may do what: the
/// role's task rights by the responsible's department, and beyond them the people on the
/// task — its creator, responsible and co-executors change it, observers read it.
public struct TaskService: Sendable {
    let env: ServiceEnvironment
    let tasks = TaskStore()
    let events: EventRecorder

    static let maxChecklist = 100
    static let maxReminders = 10
    static let maxMembers = 50

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A task with its comments.
    public struct Card: Sendable, Equatable {
        public var task: WorkTask
        public var comments: [TaskComment]
    }

    /// When a task made by the system is due.
    public enum Due: Sendable, Equatable {
        case at(Date)
        case workingHours(Double)
        case workingDays(Int)
    }

    // MARK: reading

    public func get(_ id: Int64, by principal: Principal) async throws -> Card {
        try await env.database.read { db in
            let task = try await self.readable(id, principal, db)
            return Card(task: task, comments: try await self.tasks.comments(taskID: id, on: db))
        }
    }

    public func list(_ query: TaskStore.Query, page: PageRequest, by principal: Principal) async throws -> Page<WorkTask> {
        if query.view == .all { try Access.requireAny(principal, .read, .task) }
        let now = env.clock.now()
        return try await env.database.read { db in
            try await self.tasks.list(query, scope: principal.scope(.task, .read), subject: principal.subject, now: now,
                                      page: page, on: db)
        }
    }

    /// The names of the records tasks are about, those the principal may read.
    public func linkNames(_ links: [WorkTask.Link], by principal: Principal) async throws -> [WorkTask.Link: String] {
        guard !links.isEmpty else { return [:] }
        return try await env.database.read { db in
            let summaries = try await SearchStore().summaries(links.map { ($0.entity, $0.id) }, on: db)
            var names: [WorkTask.Link: String] = [:]
            for link in links {
                guard let permission = WorkTask.Link.entities[link.entity], let summary = summaries[link.entity]?[link.id],
                      AccessPolicy.allows(principal.subject, .read, permission, record: summary.ownership)
                else { continue }
                names[link] = summary.name
            }
            return names
        }
    }

    /// The task's history, newest first, for anyone who may read it.
    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await env.database.read { db in
            _ = try await self.readable(id, principal, db)
            return try await EventStore().list(.init(entity: "task", entityID: id), scope: .all, subject: principal.subject,
                                               page: page, on: db)
        }
    }

    /// Open tasks past their deadline that the principal is responsible for or helps with.
    public func overdueCount(by principal: Principal) async throws -> Int {
        let now = env.clock.now()
        return try await env.database.read { db in
            try await self.tasks.overdueCount(userID: principal.userID, now: now, on: db)
        }
    }

    /// The desktop's counts of the principal's open tasks; `open` counted up to `openCap`.
    public func dayCounts(endOfDay: Date, openCap: Int, by principal: Principal) async throws -> TaskStore.DayCounts {
        let now = env.clock.now()
        return try await env.database.read { db in
            try await self.tasks.dayCounts(userID: principal.userID, now: now, endOfDay: endOfDay, openCap: openCap, on: db)
        }
    }

    // MARK: changing

    public func create(_ input: TaskInput, by principal: Principal) async throws -> WorkTask {
        try await create(input, due: nil, calendar: nil, by: principal)
    }

    /// Creates a task; `due` (with the calendar it is counted in, by default the responsible's)
    /// sets the deadline in working time from now, as stages and automation ask. A nil
    /// principal is the system itself.
    public func create(_ input: TaskInput, due: Due?, calendar: BusinessCalendar?, by principal: Principal?) async throws
        -> WorkTask
    {
        if let principal { try Access.requireAny(principal, .create, .task) }
        let now = env.clock.now()
        // Working time is counted in the responsible's calendar (their hours, their zone, the
        // company's holidays) unless the caller brings one.
        var counted = calendar
        if due != nil, counted == nil {
            let calendars = WorkCalendarService(env: env)
            if let owner = input.ownerID ?? principal?.userID {
                counted = try await calendars.calendar(forUser: owner)
            } else {
                counted = try await calendars.calendar()
            }
        }
        let calendar = counted
        return try await env.database.transaction { db in
            try await self.insert(input, due: due, calendar: calendar, now: now, by: principal, db)
        }
    }

    /// `create` on the caller's connection, inside its transaction; `calendar` must be given
    /// when `due` counts working time.
    func insert(_ input: TaskInput, due: Due?, calendar: BusinessCalendar?, now: Date, by principal: Principal?,
                _ db: any SQLDatabase) async throws -> WorkTask {
        let task = try await prepare(input, due: due, calendar: calendar, now: now, by: principal, db)
        return try await save(task, now: now, by: principal, db)
    }

    /// A new task checked and given its deadline, not yet written (reads only): a stage's entry
    /// tasks are prepared before the move's transaction and written in it (`save`).
    func prepare(_ input: TaskInput, due: Due?, calendar: BusinessCalendar?, now: Date, by principal: Principal?,
                 _ db: any SQLDatabase) async throws -> WorkTask {
        guard let ownerID = input.ownerID ?? principal?.userID else {
            throw RapportError.invalid("owner_id", "required", "owner_id is required")
        }
        var task = WorkTask(title: "", ownerID: ownerID, createdBy: principal?.userID, createdAt: now, updatedAt: now)
        var v = Validator()
        try await apply(input, to: &task, creating: true, now: now, principal: principal, db, &v)
        if let due {
            switch due {
            case .at(let date): task.deadline = date
            case .workingHours(let hours): task.deadline = calendar?.adding(hours: hours, to: now)
            case .workingDays(let days): task.deadline = calendar?.adding(workingDays: days, to: now)
            }
        }
        Self.checkDates(task, into: &v)
        try v.throwIfInvalid()
        let ownership = try await Responsible.ownership(task.ownerID, on: db)
        if let principal { try Access.require(principal, .create, .task, record: ownership) }
        return task
    }

    /// Writes a prepared task with its reminders and events; `stageVisitID` marks it as made by
    /// a stay in a stage.
    func save(_ prepared: WorkTask, stageVisitID: Int64? = nil, now: Date, by principal: Principal?, _ db: any SQLDatabase)
        async throws -> WorkTask
    {
        var task = prepared
        task.id = try await tasks.insert(task, stageVisitID: stageVisitID, on: db)
        if !task.reminders.isEmpty { try await Self.scheduleReminders(task, now: now, db) }
        try await events.record("task", task.id, .created, changes: Self.fields(nil, task), by: principal?.userID, on: db)
        if let link = task.link {
            // The client's history shows the task too.
            try await events.record(link.entity, link.id, .updated, changes: [FieldChange(field: "task", old: nil, new: task.title)],
                                    by: principal?.userID, on: db)
        }
        return task
    }

    /// The reminders still to come of an open task become its timers; a closed task has none.
    static func scheduleReminders(_ task: WorkTask, now: Date, _ db: any SQLDatabase) async throws {
        let moments = task.status.isOpen ? task.reminders.filter { $0 > now } : []
        try await TimerStore().replace(kind: TimerService.taskReminder, refID: task.id, moments: moments, now: now, on: db)
    }

    public func update(_ id: Int64, _ input: TaskInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> WorkTask
    {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.readable(id, principal, db)
            try await self.requireChange(before, principal, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            var v = Validator()
            try await self.apply(input, to: &after, creating: false, now: now, principal: principal, db, &v)
            Self.checkDates(after, into: &v)
            try v.throwIfInvalid()
            if after.ownerID != before.ownerID {
                // Handing over: the new responsible must be someone the principal may give tasks to.
                try Access.require(principal, .update, .task, record: try await Responsible.ownership(after.ownerID, on: db))
            }
            if after.status == .done && before.status != .done { after.completedAt = now }
            if after.status != .done { after.completedAt = nil }
            after.updatedAt = now
            guard let version = try await self.tasks.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            if after.reminders != before.reminders || after.status.isOpen != before.status.isOpen {
                try await Self.scheduleReminders(after, now: now, db)
            }
            let changes = Self.fields(before, after)
            if !changes.isEmpty { try await self.events.record("task", id, .updated, changes: changes, by: principal.userID, on: db) }
            if let link = after.link, after.status == .done, before.status != .done {
                try await self.events.record(link.entity, link.id, .updated,
                                             changes: [FieldChange(field: "task_done", old: nil, new: after.title)],
                                             by: principal.userID, on: db)
            }
            if after.status == .done, before.status != .done {
                // A stage's task done may move its lead or deal on.
                try await StageMoves(env: self.env).taskFinished(after, by: principal.userID, now: now, db)
                // A visit's confirmation task done confirms the visit.
                try await VisitService(env: self.env).confirmationTaskDone(after, now: now, db)
            }
            return after
        }
    }

    /// Closes a task the system made when what it asked for happened otherwise (a call-back
    /// task when the client's call was answered after all); a task already closed stays.
    func close(_ id: Int64, as status: WorkTask.Status, now: Date, _ db: any SQLDatabase) async throws {
        guard var task = try await tasks.find(id: id, on: db), task.status.isOpen, !status.isOpen else { return }
        let before = task
        task.status = status
        task.completedAt = status == .done ? now : nil
        task.updatedAt = now
        guard let version = try await tasks.update(task, expectedVersion: before.version, on: db) else { return }
        task.version = version
        try await Self.scheduleReminders(task, now: now, db)
        try await events.record("task", id, .updated, changes: Self.fields(before, task), by: nil, on: db)
    }

    /// Gives a task to another responsible on the system's behalf (with its lead, when a
    /// service level passes the lead on); the new responsible is told.
    func reassign(_ id: Int64, to userID: Int64, now: Date, _ db: any SQLDatabase) async throws {
        guard var task = try await tasks.find(id: id, on: db), task.ownerID != userID, task.status.isOpen else { return }
        let before = task
        task.ownerID = userID
        task.updatedAt = now
        guard let version = try await tasks.update(task, expectedVersion: before.version, on: db) else { return }
        task.version = version
        try await Self.scheduleReminders(task, now: now, db)
        try await events.record("task", id, .updated, changes: Self.fields(before, task), by: nil, on: db)
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await env.database.transaction { db in
            let task = try await self.readable(id, principal, db)
            let ownership = try await self.ownership(task, db)
            if task.createdBy != principal.userID { try Access.require(principal, .delete, .task, record: ownership) }
            try Access.requireVersion(expectedVersion, current: task.version)
            try await self.tasks.delete(id: id, on: db)
            try await TimerStore().removeAll(kind: TimerService.taskReminder, refID: id, on: db)
            try await self.events.record("task", id, .deleted, changes: Self.fields(task, nil), by: principal.userID, on: db)
        }
    }

    /// Adds a comment; `@name` (the part of a colleague's e-mail before `@`, or the whole
    /// address) mentions them. Anyone who may read the task may comment on it.
    public func comment(on id: Int64, body: String?, by principal: Principal) async throws -> TaskComment {
        var v = Validator()
        let text = v.requireText(body, field: "body", maxLength: 10_000)
        try v.throwIfInvalid()
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let task = try await self.readable(id, principal, db)
            var mentions: [Int64] = []
            for handle in TaskComment.mentionHandles(text) {
                if let user = try await Self.user(handle: handle, db), !mentions.contains(user) { mentions.append(user) }
            }
            var comment = TaskComment(taskID: id, authorID: principal.userID, body: text, mentions: mentions, createdAt: now)
            comment.id = try await self.tasks.addComment(comment, on: db)
            for user in mentions where user != principal.userID {
                try await NotificationStore().add(
                    AppNotification(userID: user, kind: "mention", title: task.title, body: String(text.prefix(300)),
                                    link: "/tasks/\(id)#comments", source: "comment:\(comment.id)", createdAt: now),
                    on: db)
            }
            try await self.events.record("task", id, .updated, changes: [FieldChange(field: "comment", old: nil, new: text)],
                                         by: principal.userID, on: db)
            return comment
        }
    }

    // MARK: rules

    /// The task, when the principal may read it: through the role's task rights, or by being on it.
    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> WorkTask {
        guard let task = try await tasks.find(id: id, on: db) else { throw RapportError.notFound(entity: "task") }
        if Self.isOnTask(task, principal.userID) { return task }
        let ownership = try await ownership(task, db)
        guard AccessPolicy.allows(principal.subject, .read, .task, record: ownership) else {
            throw RapportError.notFound(entity: "task")
        }
        return task
    }

    static func isOnTask(_ task: WorkTask, _ userID: Int64) -> Bool {
        task.memberIDs.contains(userID) || task.createdBy == userID
    }

    /// Creator, responsible and co-executors change a task; others need the role's update right.
    func requireChange(_ task: WorkTask, _ principal: Principal, _ db: any SQLDatabase) async throws {
        let me = principal.userID
        if task.createdBy == me || task.ownerID == me || task.coExecutorIDs.contains(me) { return }
        let ownership = try await ownership(task, db)
        if AccessPolicy.allows(principal.subject, .update, .task, record: ownership) { return }
        // An observer sees the task, so it is there; they just may not change it.
        if task.observerIDs.contains(me) { throw RapportError.forbidden }
        try Access.require(principal, .update, .task, record: ownership)
    }

    func ownership(_ task: WorkTask, _ db: any SQLDatabase) async throws -> RecordOwnership {
        try await Responsible.recordOwnership(task.ownerID, on: db)
    }

    static func user(handle: String, _ db: any SQLDatabase) async throws -> Int64? {
        let row = try await db.raw("""
            SELECT id FROM users WHERE is_active = \(bind: true)
              AND (LOWER(email) = \(bind: handle) OR LOWER(SUBSTR(email, 1, \(literal: handle.count + 1))) = \(bind: handle + "@"))
            ORDER BY id LIMIT 1
            """).first()
        return try row?.decode(column: "id", as: Int64.self)
    }

    // MARK: input

    /// Applies the given fields, checking each; users and the linked record are looked up.
    func apply(_ input: TaskInput, to task: inout WorkTask, creating: Bool, now: Date, principal: Principal?,
               _ db: any SQLDatabase, _ v: inout Validator) async throws {
        if creating || input.title != nil { task.title = v.requireText(input.title, field: "title", maxLength: 300) }
        if input.description != nil { task.description = v.optionalText(input.description, field: "description", maxLength: 20_000) }
        if let checklist = input.checklist {
            if checklist.count > Self.maxChecklist { v.add("checklist", "too_long", "a checklist has at most \(Self.maxChecklist) items") }
            var items: [WorkTask.ChecklistItem] = []
            for (index, item) in checklist.enumerated() {
                let text = v.requireText(item.text, field: "checklist.\(index).text", maxLength: 500)
                items.append(.init(text: text, done: item.done))
            }
            task.checklist = items
        }
        if let owner = input.ownerID {
            if owner <= 0 { v.add("owner_id", "invalid", "owner_id must be a user's id") } else { task.ownerID = owner }
        }
        for (field, ids) in [("co_executor_ids", input.coExecutorIDs), ("observer_ids", input.observerIDs)] {
            guard let ids else { continue }
            let unique = ids.reduce(into: [Int64]()) { if !$0.contains($1) { $0.append($1) } }
            if unique.count > Self.maxMembers { v.add(field, "too_long", "at most \(Self.maxMembers) people") }
            for (index, id) in unique.enumerated() {
                guard let user = try await UserStore().find(id: id, on: db) else {
                    v.add("\(field).\(index)", "not_found", "no user with id \(id)")
                    continue
                }
                if !user.isActive { v.add("\(field).\(index)", "disabled", "\(user.displayName) is disabled") }
            }
            if field == "co_executor_ids" { task.coExecutorIDs = unique } else { task.observerIDs = unique }
        }
        if let text = input.startAt { task.startAt = Self.date(text, field: "start_at", &v) }
        if let text = input.deadline { task.deadline = Self.date(text, field: "deadline", &v) }
        if let texts = input.reminders {
            if texts.count > Self.maxReminders { v.add("reminders", "too_long", "at most \(Self.maxReminders) reminders") }
            var dates: [Date] = []
            for (index, text) in texts.enumerated() {
                guard let date = Self.date(text, field: "reminders.\(index)", &v) else { continue }
                // Reminders that were already set may have passed; a new one may not be in the past.
                if date <= now && !task.reminders.contains(date) {
                    v.add("reminders.\(index)", "past", "a reminder must be in the future")
                }
                dates.append(date)
            }
            task.reminders = Array(Set(dates)).sorted()
        }
        if let text = input.priority {
            if let priority = WorkTask.Priority(rawValue: text) { task.priority = priority } else {
                v.add("priority", "invalid", "priority must be one of \(WorkTask.Priority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let text = input.status {
            if let status = WorkTask.Status(rawValue: text) { task.status = status } else {
                v.add("status", "invalid", "status must be one of \(WorkTask.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let entity = input.linkEntity {
            if entity.isEmpty {
                task.link = nil
            } else if let permission = WorkTask.Link.entities[entity], let id = input.linkID, id > 0, principal == nil {
                // The system links its tasks to the records it works on.
                task.link = WorkTask.Link(entity: entity, id: id)
                _ = permission
            } else if let permission = WorkTask.Link.entities[entity], let id = input.linkID, id > 0 {
                // The record must exist and be readable; otherwise it is "not found", whichever it is.
                let ownership = try await Self.recordOwnership(entity, id, db)
                if let ownership, principal.map({ AccessPolicy.allows($0.subject, .read, permission, record: ownership) }) ?? true {
                    task.link = WorkTask.Link(entity: entity, id: id)
                } else {
                    v.add("link_id", "not_found", "no \(entity) with id \(id)")
                }
            } else if WorkTask.Link.entities[entity] == nil {
                v.add("link_entity", "invalid", "link_entity must be one of \(WorkTask.Link.entities.keys.sorted().joined(separator: ", "))")
            } else {
                v.add("link_id", "required", "link_id is required with link_entity")
            }
        }
    }

    static func recordOwnership(_ entity: String, _ id: Int64, _ db: any SQLDatabase) async throws -> RecordOwnership? {
        switch entity {
        case "company": try await CompanyStore().ownership(id: id, on: db)
        case "contact": try await ContactStore().ownership(id: id, on: db)
        case "lead": try await StagePlaceStore().ownership(.lead, id: id, on: db)
        case "deal": try await StagePlaceStore().ownership(.deal, id: id, on: db)
        default: nil
        }
    }

    /// An ISO 8601 date-time with a zone; an empty text is no date.
    static func date(_ text: String, field: String, _ v: inout Validator) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return nil }
        guard let date = ISO8601.parse(trimmed) else {
            v.add(field, "invalid", "\(field) must be an ISO 8601 date-time with a zone, such as 2026-03-01T10:00:00+03:00")
            return nil
        }
        return date
    }

    /// A deadline never comes before the start. (A deadline already past is allowed: a task
    /// may be written down late, and then it is overdue at once.)
    static func checkDates(_ task: WorkTask, into v: inout Validator) {
        if let start = task.startAt, let deadline = task.deadline, deadline < start {
            v.add("deadline", "before_start", "the deadline must not be before the start")
        }
    }

    /// What is shown in the task's history, in people's words.
    static func fields(_ before: WorkTask?, _ after: WorkTask?) -> [FieldChange] {
        func values(_ t: WorkTask?) -> [(String, String?)] {
            guard let t else { return [] }
            return [("title", t.title), ("description", t.description), ("owner_id", String(t.ownerID)),
                    ("co_executor_ids", t.coExecutorIDs.isEmpty ? nil : t.coExecutorIDs.map(String.init).joined(separator: ", ")),
                    ("observer_ids", t.observerIDs.isEmpty ? nil : t.observerIDs.map(String.init).joined(separator: ", ")),
                    ("start_at", t.startAt.map(ISO8601.string)), ("deadline", t.deadline.map(ISO8601.string)),
                    ("priority", t.priority.rawValue), ("status", t.status.rawValue),
                    ("link", t.link.map { "\($0.entity) \($0.id)" }),
                    ("checklist", t.checklist.isEmpty ? nil
                        : t.checklist.map { ($0.done ? "[x] " : "[ ] ") + $0.text }.joined(separator: "; "))]
        }
        let old = Dictionary(values(before), uniquingKeysWith: { a, _ in a })
        let new = Dictionary(values(after), uniquingKeysWith: { a, _ in a })
        return (after == nil ? values(before) : values(after)).map(\.0).compactMap { field in
            let o = old[field] ?? nil, n = new[field] ?? nil
            return o == n ? nil : FieldChange(field: field, old: o, new: n)
        }
    }
}
