import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The one way a lead or deal enters a stage, used by every path (pages, board, API, import,
/// automatic advances): the gate is judged (`StageGate`), the stay is recorded, the event
/// written, and the stage's entry tasks made — all in the caller's transaction, so a refused
/// or failed move leaves nothing behind.
struct StageMoves: Sendable {
    let env: ServiceEnvironment
    let events: EventRecorder
    let pipelines = PipelineStore()
    let places = StagePlaceStore()

    init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// What `rule`'s gate sees of the record: its fields, whether it has line items, whether
    /// its current stay's tasks are done — each read only when the gate asks about it.
    /// (Documents sent from a record come with messaging.)
    func facts<R: PipelineRecord>(_ record: R, for rule: StageRule, _ db: any SQLDatabase) async throws -> GateFacts {
        var fields = record.gateFields
        let named = Set(rule.requiredFields).union(rule.condition?.fields ?? [])
        if record.id != 0, named.contains("line_items") {
            let items = try await LineItemStore().count(R.entity, recordID: record.id, on: db)
            if items > 0 { fields["line_items"] = .number(Decimal(items)) }
        }
        var tasksDone = true
        if record.place.visitID != 0, rule.condition?.readsStageTasks == true {
            tasksDone = try await places.visitTasksDone(visitID: record.place.visitID, on: db)
        }
        var workingTime = false
        if rule.condition?.readsWorkingTime == true {
            workingTime = try await WorkCalendarService(env: env).calendar(on: db).isWorkingTime(env.clock.now())
        }
        var sent: Set<String> = []
        if record.id != 0, rule.condition?.readsSentDocuments == true {
            sent = try await DocumentStore().sentCodes(WorkTask.Link(entity: R.entity.rawValue, id: record.id), on: db)
        }
        return GateFacts(fields: fields, sentTemplates: sent, stageTasksDone: tasksDone, workingTime: workingTime)
    }

    /// Everything in the way of moving `record` to `stageID`; throws `stage_id`/`reason_id`
    /// errors for a stage or reason that does not exist.
    func obstacles<R: PipelineRecord>(_ record: R, to stageID: Int64, reasonID: Int64?, _ db: any SQLDatabase) async throws
        -> (pipeline: Pipeline, target: Stage, refusal: MoveRefusal?)
    {
        guard let targetSettings = try await env.pipelineCache.settings(stageID: stageID, on: db),
              targetSettings.pipeline.entity == R.entity, let target = targetSettings.pipeline.stage(stageID),
              let rule = targetSettings.rule(stageID)
        else { throw RapportError.invalid("stage_id", "not_found", "no \(R.entity.rawValue) stage with id \(stageID)") }
        if let reasonID {
            guard let reason = try await pipelines.reason(id: reasonID, on: db), reason.entity == R.entity, !reason.archived else {
                throw RapportError.invalid("reason_id", "not_found", "no \(R.entity.rawValue) close reason with id \(reasonID)")
            }
        }
        // A record being created has no stage yet: only the target's gate applies.
        let isNew = record.place.visitID == 0
        let settings = record.place.pipelineID == targetSettings.pipeline.id || isNew
            ? targetSettings : try await env.pipelineCache.settings(pipelineID: record.place.pipelineID, on: db) ?? targetSettings
        let pipeline = settings.pipeline
        let current = isNew ? nil : settings.rule(record.place.stageID)
        let found = StageGate.obstacles(from: current, to: rule, in: settings.rules, mode: pipeline.mode,
                                        facts: try await facts(record, for: rule, db), lostReason: reasonID.map(String.init))
        guard !found.isEmpty else { return (pipeline, target, nil) }
        return (pipeline, target, MoveRefusal(stageID: stageID, obstacles: found,
                                              customLabels: try await customLabels(R.entity, found, db),
                                              documentNames: try await documentNames(found, db)))
    }

    /// Moves the record to `stageID` or throws the refusal. Moving to the stage it is in changes nothing.
    func move<R: PipelineRecord>(_ record: R, to stageID: Int64, reasonID: Int64?, by actor: Int64?, now: Date,
                                 _ db: any SQLDatabase) async throws -> R {
        guard let plan = try await plan(record, to: stageID, reasonID: reasonID, now: now, db) else { return record }
        return try await write(plan, by: actor, now: now, db)
    }

    /// Decides a move (reads only): the gate is judged — a refusal is thrown — and what entering
    /// makes is prepared. Nil when the record is already there. `write` carries it out; between
    /// the two the record's version guards against a change by someone else.
    func plan<R: PipelineRecord>(_ record: R, to stageID: Int64, reasonID: Int64?, now: Date, _ db: any SQLDatabase) async throws
        -> MovePlan<R>?
    {
        if stageID == record.place.stageID && reasonID == record.place.closeReasonID { return nil }
        let (pipeline, target, refusal) = try await obstacles(record, to: stageID, reasonID: reasonID, db)
        if let refusal { throw RapportError.moveRefused(refusal) }
        return try await prepare(record, entering: target, of: pipeline, reasonID: reasonID, now: now, db)
    }

    /// Puts a record just inserted (in the same transaction) into its first stage, which must
    /// admit it; throws the refusal otherwise (and the insert goes with the transaction).
    func place<R: PipelineRecord>(_ record: R, in stage: Stage, of pipeline: Pipeline, by actor: Int64?, now: Date,
                                  _ db: any SQLDatabase) async throws -> R {
        let (_, _, refusal) = try await obstacles(record, to: stage.id, reasonID: nil, db)
        if let refusal { throw RapportError.moveRefused(refusal) }
        return try await enter(record, stage, of: pipeline, reasonID: nil, by: actor, now: now, db)
    }

    /// Puts a record into `stage` without judging the gate (it was judged, or an administrator
    /// decided it): `prepare` and `write` on one connection.
    func enter<R: PipelineRecord>(_ record: R, _ stage: Stage, of pipeline: Pipeline, reasonID: Int64?, by actor: Int64?,
                                  now: Date, _ db: any SQLDatabase) async throws -> R {
        try await write(try await prepare(record, entering: stage, of: pipeline, reasonID: reasonID, now: now, db), by: actor,
                        now: now, db)
    }

    /// What entering `stage` writes, read and checked beforehand: the reason's label and the
    /// stage's entry tasks (titles filled in, deadlines counted in their assignees' working time).
    func prepare<R: PipelineRecord>(_ record: R, entering stage: Stage, of pipeline: Pipeline, reasonID: Int64?, now: Date,
                                    _ db: any SQLDatabase) async throws -> MovePlan<R> {
        var reason: String?
        if let reasonID { reason = try await pipelines.reason(id: reasonID, on: db)?.label }
        return MovePlan(record: record, pipeline: pipeline, target: stage, reasonID: reasonID, reasonLabel: reason,
                        tasks: try await entryTasks(record, stage, now: now, db))
    }

    /// Carries out a planned move: ends the current stay, starts a new one, saves the place (only
    /// if the record is still the version planned — `stale` otherwise), writes the event, makes
    /// the stage's tasks. The move's events (its own, each task's) go in one statement at the end.
    func write<R: PipelineRecord>(_ plan: MovePlan<R>, by actor: Int64?, now: Date, _ db: any SQLDatabase) async throws -> R {
        if PendingWrites.current != nil { return try await writeNow(plan, by: actor, now: now, db) }
        let pending = PendingWrites()
        return try await PendingWrites.$current.withValue(pending) {
            let record = try await writeNow(plan, by: actor, now: now, db)
            try await pending.flush(on: db)
            return record
        }
    }

    private func writeNow<R: PipelineRecord>(_ plan: MovePlan<R>, by actor: Int64?, now: Date, _ db: any SQLDatabase) async throws
        -> R
    {
        var record = plan.record
        let (stage, pipeline) = (plan.target, plan.pipeline)
        let before = record.place
        let visitID = try await places.openVisit(R.entity, recordID: record.id, pipelineID: pipeline.id, stageID: stage.id,
                                                 at: now, by: actor, on: db)
        record.place = StagePlace(pipelineID: pipeline.id, stageID: stage.id, visitID: visitID, enteredAt: now,
                                  closeReasonID: stage.kind == .lost ? plan.reasonID : nil, closedAt: stage.kind == .open ? nil : now)
        if before.visitID == 0 {
            // Being created: the place is part of the new record, not a change of it.
            try await places.setVisit(R.entity, id: record.id, visitID: visitID, on: db)
        } else {
            guard let version = try await places.move(R.entity, id: record.id, to: record.place, expectedVersion: record.version,
                                                      now: now, on: db)
            else {
                let current = try await places.version(R.entity, id: record.id, on: db)
                guard let current else { throw RapportError.notFound(entity: R.entity.rawValue) }
                throw RapportError.stale(currentVersion: current)
            }
            try await places.closeVisit(id: before.visitID, at: now, on: db)
            record.version = version
            record.updatedAt = now
            var changes = [FieldChange(field: "stage", old: pipeline.stage(before.stageID)?.name, new: stage.name)]
            if let label = plan.reasonLabel { changes.append(FieldChange(field: "close_reason", old: nil, new: label)) }
            try await events.record(R.entity.rawValue, record.id, .updated, changes: changes, by: actor, on: db)
        }
        let tasks = TaskService(env: env)
        var prepared = plan.tasks
        // A lead a service level covers: its first task is due by the level's deadline, and watched.
        var watched: (ServiceLevel, Date)?
        if let lead = record as? Lead, !prepared.isEmpty {
            watched = try await ServiceLevelService(env: env).level(for: lead, in: pipeline, now: now, db)
            if let due = watched?.1, prepared[0].deadline.map({ $0 > due }) ?? true { prepared[0].deadline = due }
        }
        for (index, task) in prepared.enumerated() {
            let saved = try await tasks.save(task, stageVisitID: visitID, now: now, by: nil, db)
            if index == 0, let (level, due) = watched, let lead = record as? Lead {
                try await ServiceLevelService(env: env).watch(lead, task: saved.id, level: level, due: due, now: now, db)
            }
        }
        return record
    }

    // MARK: entry tasks

    /// The stage's entry tasks for the record, prepared (not written).
    func entryTasks<R: PipelineRecord>(_ record: R, _ stage: Stage, now: Date, _ db: any SQLDatabase) async throws -> [WorkTask] {
        guard !stage.entryTasks.isEmpty else { return [] }
        let needsLocale = stage.entryTasks.contains { $0.script?.isEmpty == false || $0.memoAttachmentID != nil }
        let locale = needsLocale ? try await SettingsStore().get(on: db)?.locale ?? .en : .en
        let values = record.placeholderValues
        var prepared: [WorkTask] = []
        for template in stage.entryTasks {
            let owner = try await assignee(template.assignee, record, db)
            var description = fill(template.description ?? "", values)
            if let script = template.script, !script.isEmpty {
                description += (description.isEmpty ? "" : "\n\n") + (locale == .ru ? "Сценарий:\n" : "Script:\n")
                    + fill(script, values)
            }
            if let memo = template.memoAttachmentID {
                description += (description.isEmpty ? "" : "\n\n") + (locale == .ru ? "Памятка: " : "Memo: ")
                    + "/api/v1/attachments/\(memo)"
            }
            let title = fill(template.title, values)
            let input = TaskInput(title: String(title.prefix(300)), description: description.isEmpty ? nil : description,
                                  checklist: template.checklist.map { WorkTask.ChecklistItem(text: $0) }, ownerID: owner,
                                  priority: template.priority.rawValue, linkEntity: R.entity.rawValue, linkID: record.id)
            let due: TaskService.Due? = template.dueHours.map { .workingHours($0) } ?? template.dueDays.map { .workingDays($0) }
            let calendar = due == nil ? nil : try await WorkCalendarService(env: env).calendar(forUser: owner, on: db)
            prepared.append(try await TaskService(env: env).prepare(input, due: due, calendar: calendar, now: now, by: nil, db))
        }
        return prepared
    }

    /// A stage's stored template filled in with the record's values. Templates were checked when
    /// saved; one that no longer reads (changed outside the settings) is logged and used as
    /// written, so the task is still made and says what it was meant to.
    func fill(_ text: String, _ values: [String: String]) -> String {
        do {
            return try Placeholders(text).render(values)
        } catch {
            env.logger.error("a stage's stored template does not read; it is used as written",
                             metadata: ["template": "\(text)", "error": "\(error)"])
            return text
        }
    }

    /// Who gets a stage's task: the record's responsible, a fixed person (while active), or
    /// the active person of a role with the fewest open tasks; the responsible when nobody fits.
    func assignee<R: PipelineRecord>(_ rule: StageTaskTemplate.Assignee, _ record: R, _ db: any SQLDatabase) async throws -> Int64 {
        switch rule {
        case .responsible:
            return record.ownerID
        case .user(let id):
            if let user = try await UserStore().find(id: id, on: db), user.isActive { return id }
            return record.ownerID
        case .role(let roleID):
            let row = try await db.raw("""
                SELECT u.id FROM users u WHERE u.is_active = \(bind: true) AND u.role_id = \(bind: roleID)
                ORDER BY (SELECT COUNT(*) FROM tasks t WHERE t.owner_id = u.id AND t.status NOT IN ('done', 'cancelled')), u.id
                LIMIT 1
                """).first()
            return try row?.decode(column: "id", as: Int64.self) ?? record.ownerID
        }
    }

    // MARK: automatic advance

    /// Called when a task is done: if a stage made it, its record is still in that stay, the
    /// stage advances automatically and all the stay's tasks are done, the record moves to the
    /// next stage. When the gate refuses, the record stays, its responsible is told what is
    /// missing, and a separate task to fix it is made in the same stay (closing it tries again).
    func taskFinished(_ task: WorkTask, by actor: Int64?, now: Date, _ db: any SQLDatabase) async throws {
        guard let (visitID, entity, recordID) = try await places.visit(ofTask: task.id, on: db) else { return }
        switch entity {
        case .lead:
            if let lead = try await LeadStore().find(id: recordID, on: db) {
                try await advance(lead, visitID: visitID, by: actor, now: now, db)
            }
        case .deal:
            if let deal = try await DealStore().find(id: recordID, on: db) {
                try await advance(deal, visitID: visitID, by: actor, now: now, db)
            }
        }
    }

    func advance<R: PipelineRecord>(_ record: R, visitID: Int64, by actor: Int64?, now: Date, _ db: any SQLDatabase)
        async throws
    {
        guard record.place.visitID == visitID, let pipeline = try await pipelines.find(id: record.place.pipelineID, on: db),
              let stage = pipeline.stage(record.place.stageID), stage.autoAdvance, let next = pipeline.next(after: stage),
              try await places.visitTasksDone(visitID: visitID, on: db)
        else { return }
        let (_, target, refusal) = try await obstacles(record, to: next.id, reasonID: nil, db)
        guard let refusal else {
            _ = try await enter(record, target, of: pipeline, reasonID: nil, by: actor, now: now, db)
            return
        }
        try await refused(record, refusal, stage: stage, next: next, visitID: visitID, now: now, db)
    }

    /// Tells the responsible why the automatic move did not happen and gives them a task to fix it.
    func refused<R: PipelineRecord>(_ record: R, _ refusal: MoveRefusal, stage: Stage, next: Stage, visitID: Int64, now: Date,
                                    _ db: any SQLDatabase) async throws {
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        let missing = refusal.descriptions(locale)
        let title: String
        if let custom = stage.refusalTaskTitle {
            title = fill(custom, record.placeholderValues)
        } else {
            let what = missing.joined(separator: "; ")
            title = locale == .ru ? "Для «\(next.name)» не хватает: \(what)" : "Missing for “\(next.name)”: \(what)"
        }
        let header = locale == .ru ? "Запись не перешла на этап «\(next.name)». Не хватает:" :
            "The record did not move to “\(next.name)”. Missing:"
        let body = ([header] + missing.map { "— " + $0 }).joined(separator: "\n")
        let input = TaskInput(title: String(title.prefix(300)), description: body, ownerID: record.ownerID, priority: "high",
                              linkEntity: R.entity.rawValue, linkID: record.id)
        let calendar = try await WorkCalendarService(env: env).calendar(forUser: record.ownerID, on: db)
        let tasks = TaskService(env: env)
        let task = try await tasks.save(try await tasks.prepare(input, due: .workingHours(1), calendar: calendar, now: now, by: nil, db),
                                        stageVisitID: visitID, now: now, by: nil, db)
        try await NotificationStore().add(
            AppNotification(userID: record.ownerID, kind: "stage_refused", title: "\(record.title): \(next.name)",
                            body: body, link: "/\(R.entity.table)/\(record.id)", source: "stage_refused:\(task.id)",
                            createdAt: now),
            on: db)
        try await events.record(R.entity.rawValue, record.id, .updated,
                                changes: [FieldChange(field: "stage_refused", old: nil, new: "\(next.name): " + missing.joined(separator: "; "))],
                                by: nil, on: db)
    }

    /// The names of the document templates the obstacles want sent, in the company's language.
    func documentNames(_ obstacles: [MoveObstacle], _ db: any SQLDatabase) async throws -> [String: String] {
        let codes = obstacles.compactMap { if case .unmet(.documentSent(let code)) = $0 { code } else { nil } }
        guard !codes.isEmpty else { return [:] }
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        var names: [String: String] = [:]
        for code in codes {
            names[code] = try await TemplateStore().find(kind: .document, code: code, locale: locale, on: db)?.name
        }
        return names
    }

    /// The labels of the custom fields the obstacles name.
    func customLabels(_ entity: PipelineEntity, _ obstacles: [MoveObstacle], _ db: any SQLDatabase) async throws -> [String: String] {
        let named = obstacles.flatMap { obstacle -> [String] in
            switch obstacle {
            case .missingField(let field): [field]
            case .unmet(let condition): Array(condition.fields)
            default: []
            }
        }.filter { $0.hasPrefix("cf.") }
        guard !named.isEmpty else { return [:] }
        let definitions = try await CustomValueChecks.definitions(entity.customFields, on: db)
        return Dictionary(definitions.filter { named.contains("cf." + $0.code) }.map { ("cf." + $0.code, $0.label) },
                          uniquingKeysWith: { a, _ in a })
    }
}

/// A move decided and prepared (`StageMoves.plan`), to be written (`StageMoves.write`).
struct MovePlan<R: PipelineRecord>: Sendable {
    var record: R
    var pipeline: Pipeline
    var target: Stage
    var reasonID: Int64?
    var reasonLabel: String?
    /// The stage's entry tasks, checked, with their deadlines.
    var tasks: [WorkTask]
}
