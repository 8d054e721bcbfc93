import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What is sent to make or change a service level; nil leaves a field as it is, 0 (or an
/// empty source) removes a scope.
public struct ServiceLevelInput: Sendable, Equatable, Decodable {
    public var name: String?
    public var position: Int?
    public var active: Bool?
    public var minutes: Int?
    public var pipelineID: Int64?
    public var stageID: Int64?
    public var source: String?
    public var action: String?
    public var notifyUserID: Int64?

    public init(name: String? = nil, position: Int? = nil, active: Bool? = nil, minutes: Int? = nil, pipelineID: Int64? = nil,
                stageID: Int64? = nil, source: String? = nil, action: String? = nil, notifyUserID: Int64? = nil) {
        self.name = name
        self.position = position
        self.active = active
        self.minutes = minutes
        self.pipelineID = pipelineID
        self.stageID = stageID
        self.source = source
        self.action = action
        self.notifyUserID = notifyUserID
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, position, active, minutes, source, action
        case pipelineID = "pipeline_id", stageID = "stage_id", notifyUserID = "notify_user_id"
    }
}

/// Service levels (P5): kept by administrators; each lead they cover is watched by a durable
/// timer at its deadline, acted on once — also when the server was down at the moment.
public struct ServiceLevelService: Sendable {
    public static let timerKind = "service_level"

    let env: ServiceEnvironment
    let store = ServiceLevelStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    // MARK: settings

    public func list(by principal: Principal) async throws -> [ServiceLevel] {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.store.list(on: db) }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> ServiceLevel {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.found(id, db) }
    }

    public func create(_ input: ServiceLevelInput, by principal: Principal?) async throws -> ServiceLevel {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var level = ServiceLevel(name: "", position: (try await self.store.list(on: db).map(\.position).max() ?? -1) + 1)
            var v = Validator()
            if input.name == nil { v.add("name", "required", "name is required") }
            try await self.apply(input, to: &level, db, &v)
            try v.throwIfInvalid()
            level.id = try await self.store.insert(level, now: now, on: db)
            try await self.events.record("service_level", level.id, .created, changes: Self.changes(nil, level),
                                         by: principal?.userID, on: db)
            return level
        }
    }

    public func update(_ id: Int64, _ input: ServiceLevelInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> ServiceLevel
    {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.found(id, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            var level = before
            var v = Validator()
            try await self.apply(input, to: &level, db, &v)
            try v.throwIfInvalid()
            guard let version = try await self.store.update(level, expectedVersion: before.version, now: now, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            level.version = version
            try await self.events.record("service_level", id, .updated, changes: Self.changes(before, level), by: principal.userID,
                                         on: db)
            return level
        }
    }

    /// Removes a service level that never watched a lead; one with a history is made inactive instead.
    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try Access.requireAny(principal, .update, .settings)
        try await env.database.transaction { db in
            let level = try await self.found(id, db)
            try Access.requireVersion(expectedVersion, current: level.version)
            if try await self.store.hasChecks(serviceLevelID: id, on: db) {
                throw RapportError.conflict("the service level has watched leads (its breaches are counted): make it inactive instead")
            }
            try await self.store.delete(id: id, on: db)
            try await self.events.record("service_level", id, .deleted, changes: Self.changes(level, nil), by: principal.userID, on: db)
        }
    }

    func found(_ id: Int64, _ db: any SQLDatabase) async throws -> ServiceLevel {
        guard let level = try await store.find(id: id, on: db) else { throw RapportError.notFound(entity: "service_level") }
        return level
    }

    func apply(_ input: ServiceLevelInput, to level: inout ServiceLevel, _ db: any SQLDatabase, _ v: inout Validator) async throws {
        if input.name != nil { level.name = v.requireText(input.name, field: "name", maxLength: 100) }
        if let position = input.position {
            if position < 0 { v.add("position", "out_of_range", "position must be 0 or more") } else { level.position = position }
        }
        if let active = input.active { level.active = active }
        if let minutes = input.minutes {
            if (1...10_080).contains(minutes) { level.minutes = minutes } else {
                v.add("minutes", "out_of_range", "minutes must be between 1 and 10080 (a working week)")
            }
        }
        if let id = input.pipelineID {
            if id == 0 { level.pipelineID = nil } else if let pipeline = try await PipelineStore().find(id: id, on: db), pipeline.entity == .lead {
                level.pipelineID = id
            } else { v.add("pipeline_id", "not_found", "no lead pipeline with id \(id)") }
        }
        if let id = input.stageID {
            if id == 0 { level.stageID = nil } else if let pipeline = try await PipelineStore().find(stageID: id, on: db),
                pipeline.entity == .lead, level.pipelineID == nil || level.pipelineID == pipeline.id {
                level.stageID = id
                level.pipelineID = pipeline.id
            } else { v.add("stage_id", "not_found", "no stage \(id) of the lead pipeline") }
        }
        if input.source != nil { level.source = v.optionalText(input.source, field: "source", maxLength: 100) }
        if let text = input.action {
            if let action = ServiceLevel.Action(rawValue: text) { level.action = action } else {
                v.add("action", "invalid", "action must be notify or reassign")
            }
        }
        if let id = input.notifyUserID {
            if id == 0 { level.notifyUserID = nil } else if let user = try await UserStore().find(id: id, on: db), user.isActive {
                level.notifyUserID = id
            } else { v.add("notify_user_id", "not_found", "no active user with id \(id)") }
        }
    }

    static func changes(_ before: ServiceLevel?, _ after: ServiceLevel?) -> [FieldChange] {
        func fields(_ s: ServiceLevel?) -> [(String, String?)] {
            guard let s else { return [] }
            return [("name", s.name), ("position", String(s.position)), ("active", String(s.active)), ("minutes", String(s.minutes)),
                    ("pipeline_id", s.pipelineID.map(String.init)), ("stage_id", s.stageID.map(String.init)), ("source", s.source),
                    ("action", s.action.rawValue), ("notify_user_id", s.notifyUserID.map(String.init))]
        }
        return PipelineRecordRules.changes(fields(before), fields(after))
    }

    // MARK: watching

    /// The service level covering a lead that just entered its stage, and its deadline for the
    /// responsible (in their working time); nil when none covers it.
    func level(for lead: Lead, in pipeline: Pipeline, now: Date, _ db: any SQLDatabase) async throws -> (ServiceLevel, Date)? {
        let firstStage = pipeline.firstStage?.id
        guard let level = try await store.list(on: db).first(where: {
            $0.watches(pipelineID: pipeline.id, stageID: lead.place.stageID, firstStageID: firstStage, source: lead.source)
        }) else { return nil }
        let calendar = try await WorkCalendarService(env: env).calendar(forUser: lead.ownerID, on: db)
        return (level, calendar.adding(seconds: TimeInterval(level.minutes * 60), to: now))
    }

    /// Starts watching `task` of the lead until `due`: a check and its durable timer.
    func watch(_ lead: Lead, task: Int64, level: ServiceLevel, due: Date, now: Date, _ db: any SQLDatabase) async throws {
        let id = try await store.insert(ServiceLevelCheck(serviceLevelID: level.id, leadID: lead.id, taskID: task, userID: lead.ownerID,
                                                          dueAt: due, createdAt: now), on: db)
        try await TimerStore().replace(kind: Self.timerKind, refID: id, moments: [due], now: now, on: db)
    }

    /// The deadline has come (the timer of check `id`): met if the task was done (or the lead
    /// closed); otherwise a breach, counted and acted on — once, whoever fires it.
    func fire(_ id: Int64, now: Date, _ db: any SQLDatabase) async throws {
        guard let check = try await store.check(id: id, on: db), check.state == .pending,
              let level = try await store.find(id: check.serviceLevelID, on: db)
        else { return }
        let task = try await TaskStore().find(id: check.taskID, on: db)
        let lead = try await LeadStore().find(id: check.leadID, on: db)
        guard let task, task.status.isOpen, let lead, lead.place.closedAt == nil, lead.ownerID == check.userID else {
            _ = try await store.settle(id, as: .met, at: now, newUserID: nil, on: db)
            return
        }
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        let ru = locale == .ru
        let late = try await UserStore().find(id: check.userID, on: db)
        let lateName = late?.displayName ?? "#\(check.userID)"
        var passedTo: (id: Int64, name: String)?
        if level.action == .reassign,
           let routed = try await RoutingService(env: env).route(lead, now: now, excluding: [check.userID], db) {
            passedTo = (routed.choice.userID, routed.name)
        }
        guard try await store.settle(id, as: .breached, at: now, newUserID: passedTo?.id, on: db) else { return }
        let what = ru ? "Лид «\(lead.title)» не обработан за \(level.minutes) мин (\(lateName))"
            : "Lead “\(lead.title)” not handled within \(level.minutes) min (\(lateName))"
        var told = Set<Int64>()
        func tell(_ user: Int64, _ title: String) async throws {
            guard told.insert(user).inserted else { return }
            try await NotificationStore().add(
                AppNotification(userID: user, kind: Self.timerKind, title: title, body: level.name, link: "/leads/\(lead.id)",
                                source: "service_level:\(id)", createdAt: now),
                on: db)
        }
        if let passedTo {
            let reason = ru ? "передан по уровню сервиса «\(level.name)»" : "passed on by service level “\(level.name)”"
            try await LeadService(env: env).reassign(lead.id, to: passedTo.id, because: reason, now: now, db)
            try await TaskService(env: env).reassign(task.id, to: passedTo.id, now: now, db)
            try await tell(passedTo.id, (ru ? "Вам передан лид: " : "A lead passed to you: ") + lead.title)
            // The new responsible is watched in turn.
            var moved = lead
            moved.ownerID = passedTo.id
            let calendar = try await WorkCalendarService(env: env).calendar(forUser: passedTo.id, on: db)
            try await watch(moved, task: task.id, level: level,
                            due: calendar.adding(seconds: TimeInterval(level.minutes * 60), to: now), now: now, db)
        } else if let other = level.notifyUserID, other != check.userID {
            try await tell(other, what)
        }
        if let department = late?.departmentID, let head = try await DepartmentStore().find(id: department, on: db)?.headUserID,
           head != check.userID {
            try await tell(head, what)
        }
        try await events.record("lead", lead.id, .updated,
                                changes: [FieldChange(field: "service_level", old: nil, new: what
                                    + (passedTo.map { ru ? " → \($0.name)" : " → \($0.name)" } ?? ""))],
                                by: nil, on: db)
    }

    // MARK: breaches

    /// Breaches newest first (the settings right, or one's own with `mine`).
    public func breaches(userID: Int64?, page: PageRequest, by principal: Principal) async throws -> Page<ServiceLevelCheck> {
        let mayAll = principal.may(.read, .settings)
        if !mayAll, userID != nil, userID != principal.userID { throw RapportError.notFound(entity: "user") }
        let who = mayAll ? userID : principal.userID
        let rows = try await env.database.read { db in
            try await self.store.breaches(userID: who, before: page.cursor?.id, limit: page.limit + 1, on: db)
        }
        let items = Array(rows.prefix(page.limit))
        return Page(items: items, nextCursor: rows.count > page.limit ? items.last.map { PageCursor(sortValue: "", id: $0.id) } : nil)
    }

    /// Per employee since `from` (30 days ago by default): leads watched, breached, met (the settings right).
    public func summary(since from: Date? = nil, by principal: Principal) async throws
        -> [(userID: Int64, watched: Int, breached: Int, met: Int)]
    {
        try Access.requireAny(principal, .read, .settings)
        let from = from ?? env.clock.now().addingTimeInterval(-30 * 86_400)
        return try await env.database.read { db in try await self.store.summary(since: from, on: db) }
    }
}
