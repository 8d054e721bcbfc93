import Foundation
import RapportDomain
import RapportStore

/// The calendar (P7): tasks by their deadline and interactions by their time, of one person
/// or of a department, in a range; moving one to another moment (drag and drop), its
/// reminders moved with it.
public struct CalendarService: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// Whose calendar.
    public enum People: Sendable, Equatable {
        case me
        case user(Int64)
        case department(Int64)
    }

    /// One thing on the calendar.
    public struct Entry: Sendable, Equatable {
        public enum Source: String, Sendable { case task, interaction }

        public var source: Source
        public var id: Int64
        public var title: String
        public var start: Date
        /// Tasks last a moment (their deadline); interactions their duration, when they have one.
        public var end: Date?
        public var ownerID: Int64
        public var overdue: Bool
        /// A task's or an interaction's status, as the API names it.
        public var status: String
        public var interactionKind: Interaction.Kind?
        public var link: WorkTask.Link?
        public var version: Int64
    }

    /// What a calendar shows: its entries by time, and whether there were more than it holds.
    public struct Span: Sendable, Equatable {
        public var entries: [Entry]
        public var truncated: Bool
    }

    /// The most entries of each source a calendar holds (a department's month can be large).
    static let cap = 3000

    /// Everything of `people` (responsible, co-executing, taking part) from `from` until
    /// `before`, by time; only what the principal may read.
    public func entries(_ people: People, from: Date, before: Date, by principal: Principal) async throws -> Span {
        let now = env.clock.now()
        let ids = try await peopleIDs(people, by: principal)
        let taskService = TaskService(env: env), interactionService = InteractionService(env: env)
        var tasks: [WorkTask] = []
        var items: [Interaction] = []
        var truncated = false
        /// Reads page after page until the end or the cap.
        func all<T>(_ read: (PageRequest) async throws -> Page<T>) async throws -> [T] {
            var out: [T] = []
            var page = PageRequest(limit: PageRequest.maxLimit)
            while true {
                let found = try await read(page)
                out += found.items
                guard let next = found.nextCursor else { return out }
                if out.count >= Self.cap {
                    truncated = true
                    return out
                }
                page.cursor = next
            }
        }
        if people == .me {
            tasks = try await all { try await taskService.list(.init(view: .mine, deadlineFrom: from, deadlineBefore: before),
                                                                page: $0, by: principal) }
            items = try await all { try await interactionService.list(.init(mineOnly: true, from: from, before: before,
                                                                            ascending: true), page: $0, by: principal) }
        } else {
            if principal.may(.read, .task) {
                tasks = try await all { try await taskService.list(
                    .init(view: .all, deadlineFrom: from, deadlineBefore: before, peopleIDs: ids), page: $0, by: principal) }
            }
            if principal.may(.read, .activity) {
                var query = InteractionStore.Query(from: from, before: before, ascending: true)
                query.peopleIDs = ids
                items = try await all { try await interactionService.list(query, page: $0, by: principal) }
            }
        }
        let fromTasks = tasks.compactMap { task -> Entry? in
            guard let deadline = task.deadline, task.status != .cancelled else { return nil }
            return Entry(source: .task, id: task.id, title: task.title, start: deadline, end: nil, ownerID: task.ownerID,
                         overdue: task.isOverdue(at: now), status: task.status.rawValue, interactionKind: nil, link: task.link,
                         version: task.version)
        }
        let fromInteractions = items.filter { $0.status != .cancelled }.map { item in
            Entry(source: .interaction, id: item.id, title: item.subject, start: item.startAt, end: item.endAt,
                  ownerID: item.ownerID, overdue: item.isOverdue(at: now), status: item.status.rawValue,
                  interactionKind: item.kind, link: item.link, version: item.version)
        }
        return Span(entries: (fromTasks + fromInteractions).sorted { ($0.start, $0.id) < ($1.start, $1.id) }, truncated: truncated)
    }

    /// The working calendar a calendar page shades days by: the person's own, or the company's
    /// for a department.
    public func workingCalendar(_ people: People, by principal: Principal) async throws -> BusinessCalendar {
        let calendars = WorkCalendarService(env: env)
        switch people {
        case .me: return try await calendars.calendar(forUser: principal.userID)
        case .user(let id): return try await calendars.calendar(forUser: id)
        case .department: return try await calendars.calendar()
        }
    }

    /// The people whose calendar it is: one person, or the active members of a department and
    /// of the departments below it.
    func peopleIDs(_ people: People, by principal: Principal) async throws -> [Int64] {
        switch people {
        case .me: return [principal.userID]
        case .user(let id): return [id]
        case .department(let id):
            let all = try await DepartmentService(env: env).all(by: principal)
            let team = DepartmentTree(all.map { ($0.id, $0.parentID) }).subtree(of: id)
            return try await UserService(env: env).list(.init(isActive: true), page: .init(limit: PageRequest.maxLimit),
                                                         by: principal).items
                .filter { $0.departmentID.map(team.contains) ?? false }.map(\.id)
        }
    }

    /// Moves a task's deadline or an interaction's start to `moment`; reminders still to come
    /// move by the same amount (one that would fall in the past is dropped).
    public func move(_ source: Entry.Source, id: Int64, to moment: Date, expectedVersion: Int64?, by principal: Principal)
        async throws
    {
        let now = env.clock.now()
        func shifted(_ reminders: [Date], by delta: TimeInterval) -> [String] {
            reminders.filter { $0 > now }.map { $0.addingTimeInterval(delta) }.filter { $0 > now }.map(ISO8601.string)
        }
        switch source {
        case .task:
            let service = TaskService(env: env)
            let task = try await service.get(id, by: principal).task
            let delta = task.deadline.map { moment.timeIntervalSince($0) } ?? 0
            var input = TaskInput(deadline: ISO8601.string(moment), reminders: shifted(task.reminders, by: delta))
            // A start after the new deadline moves with it.
            if let start = task.startAt, start > moment { input.startAt = ISO8601.string(start.addingTimeInterval(delta)) }
            _ = try await service.update(id, input, expectedVersion: expectedVersion, by: principal)
        case .interaction:
            let service = InteractionService(env: env)
            let item = try await service.get(id, by: principal).interaction
            let delta = moment.timeIntervalSince(item.startAt)
            _ = try await service.update(id, InteractionInput(startAt: ISO8601.string(moment),
                                                              reminders: shifted(item.reminders, by: delta)),
                                         expectedVersion: expectedVersion, by: principal)
        }
    }
}
