import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What is sent to book (or move) a visit.
public struct VisitInput: Sendable, Equatable, Decodable {
    public var kindID: Int64?
    public var technicianID: Int64?
    public var start: String?
    public var linkEntity: String?
    public var linkID: Int64?
    public var address: String?
    public var region: String?
    public var comments: String?

    public init(kindID: Int64? = nil, technicianID: Int64? = nil, start: String? = nil, linkEntity: String? = nil, linkID: Int64? = nil,
                address: String? = nil, region: String? = nil, comments: String? = nil) {
        self.kindID = kindID
        self.technicianID = technicianID
        self.start = start
        self.linkEntity = linkEntity
        self.linkID = linkID
        self.address = address
        self.region = region
        self.comments = comments
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case start, address, region, comments
        case kindID = "kind_id", technicianID = "technician_id", linkEntity = "link_entity", linkID = "link_id"
    }
}

/// Field visits (P7): kinds kept by administrators; free slots across the technicians who have
/// the kind's skill (and serve the region); booking from a lead or a deal; the confirmation
/// loop — more than a working day away, the record's responsible gets a task to confirm it the
/// working day before; confirmed, the technician gets a task with a checklist and the client
/// an SMS (queued in the outbox for the messaging that delivers it).
public struct VisitService: Sendable {
    let env: ServiceEnvironment
    let store = VisitStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    // MARK: kinds

    public func kinds(by principal: Principal) async throws -> [VisitKind] {
        try await env.database.read { db in try await self.store.kinds(on: db) }
    }

    public func createKind(name: String?, skill: String?, minutes: Int?, by principal: Principal?) async throws -> VisitKind {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        var v = Validator()
        let draft = VisitKind(name: v.requireText(name, field: "name", maxLength: 100), skill: v.requireText(skill, field: "skill", maxLength: 100),
                              minutes: minutes ?? 180)
        if !(15...1440).contains(draft.minutes) { v.add("minutes", "out_of_range", "minutes must be between 15 and 1440") }
        try v.throwIfInvalid()
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var kind = draft
            kind.id = try await self.store.insert(kind, now: now, on: db)
            try await self.events.record("visit_kind", kind.id, .created,
                                         changes: [FieldChange(field: "name", old: nil, new: kind.name),
                                                   FieldChange(field: "skill", old: nil, new: kind.skill),
                                                   FieldChange(field: "minutes", old: nil, new: String(kind.minutes))],
                                         by: principal?.userID, on: db)
            return kind
        }
    }

    // MARK: slots

    /// The technicians who can make a visit of `kind` in `region`: active, with the kind's skill,
    /// serving the region (or listing none).
    func technicians(for kind: VisitKind, region: String?, _ db: any SQLDatabase) async throws -> [User] {
        let skill = kind.skill.lowercased()
        let all = try await db.raw("SELECT id FROM users WHERE is_active = TRUE ORDER BY id").all()
            .map { try $0.decode(column: "id", as: Int64.self) }
        return try await UserStore().find(ids: all, on: db).filter { user in
            user.skills.contains { $0.lowercased() == skill }
                && (region == nil || user.regions.isEmpty || user.regions.contains { $0.lowercased() == region!.lowercased() })
        }.sorted { $0.id < $1.id }
    }

    /// Free slots for a visit of `kindID` between `from` (now by default) and `to` (two weeks
    /// later by default; at most 31 days), earliest first.
    public func slots(kindID: Int64, region: String?, from: Date? = nil, to: Date? = nil, by principal: Principal) async throws
        -> [SlotFinder.Slot]
    {
        guard principal.may(.read, .lead) || principal.may(.read, .deal) else { throw RapportError.forbidden }
        let from = from ?? env.clock.now()
        let to = to ?? from.addingTimeInterval(14 * 86_400)
        if to <= from || to.timeIntervalSince(from) > 31 * 86400 {
            throw RapportError.invalid("to", "out_of_range", "to must be after from, at most 31 days later")
        }
        return try await env.database.read { db in
            guard let kind = try await self.store.kind(id: kindID, on: db) else {
                throw RapportError.invalid("kind_id", "not_found", "no visit kind with id \(kindID)")
            }
            let people = try await self.technicians(for: kind, region: region, db)
            return try await self.slots(kind, people, from: from, to: to, db)
        }
    }

    func slots(_ kind: VisitKind, _ people: [User], from: Date, to: Date, excluding visit: Int64? = nil, _ db: any SQLDatabase)
        async throws -> [SlotFinder.Slot]
    {
        let calendars = try await WorkCalendarService(env: env).calendars(for: people, on: db)
        let busy = Dictionary(grouping: try await store.busy(technicianIDs: people.map(\.id), from: from, to: to, on: db)
            .filter { $0.id != visit }, by: \.technicianID)
        let technicians = people.compactMap { user in
            calendars[user.id].map { SlotFinder.Technician(id: user.id, calendar: $0, busy: (busy[user.id] ?? []).map(\.interval)) }
        }
        return SlotFinder.slots(for: technicians, minutes: kind.minutes, from: from, to: to)
    }

    /// The week's schedule: every active technician (anyone with a skill some kind asks) and
    /// their visits (not cancelled) in `[from, to)` — the visits of the records the principal may read.
    /// The visits of every technician in a period — or, for a technician who reads no leads or
    /// deals, their own — with the visits the principal may see.
    public func schedule(from: Date, to: Date, by principal: Principal) async throws -> (technicians: [User], visits: [Visit]) {
        let sales = principal.may(.read, .lead) || principal.may(.read, .deal)
        guard sales || !principal.user.skills.isEmpty else { throw RapportError.forbidden }
        return try await env.database.read { db in
            let kinds = try await self.store.kinds(on: db)
            var people: [User] = []
            for kind in kinds { people += try await self.technicians(for: kind, region: nil, db) }
            var seen = Set<Int64>()
            people = people.filter { seen.insert($0.id).inserted && (sales || $0.id == principal.userID) }
                .sorted { $0.displayName < $1.displayName }
            var visible: [Visit] = []
            for visit in try await self.store.busy(technicianIDs: people.map(\.id), from: from, to: to, on: db) {
                if visit.technicianID == principal.userID {
                    visible.append(visit)
                } else if try await LinkAccess.readableOwnership(visit.link, principal, db) != nil {
                    visible.append(visit)
                }
            }
            return (people, visible)
        }
    }

    // MARK: booking

    /// A visit of the principal's (as its technician) or on a record they may read.
    public func get(_ id: Int64, by principal: Principal) async throws -> Visit {
        try await env.database.read { db in try await self.readableOrOwn(id, principal, db) }
    }

    public func visits(of link: WorkTask.Link, by principal: Principal) async throws -> [Visit] {
        try await env.database.read { db in
            _ = try await self.record(link, principal, .read, db)
            return try await self.store.visits(of: link, on: db)
        }
    }

    /// Books a visit in a free slot; the confirmation loop starts.
    public func book(_ input: VisitInput, by principal: Principal) async throws -> Visit {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var v = Validator()
            let address = v.requireText(input.address, field: "address", maxLength: 500)
            let region = v.optionalText(input.region, field: "region", maxLength: 200)
            let comments = v.optionalText(input.comments, field: "comments", maxLength: 5000)
            if input.linkEntity == nil || input.linkID == nil { v.add("link_id", "required", "a visit is booked from a lead or a deal") }
            try v.throwIfInvalid()
            let link = WorkTask.Link(entity: input.linkEntity!, id: input.linkID!)
            _ = try await self.record(link, principal, .update, db)
            let (kind, technician, start, end) = try await self.place(input, region: region, excluding: nil, now: now, db)
            var visit = Visit(kindID: kind.id, technicianID: technician.id, start: start, end: end, address: address, region: region,
                              comments: comments, link: link, createdBy: principal.userID, createdAt: now, updatedAt: now)
            visit.id = try await self.store.insert(visit, on: db)
            let company = try await WorkCalendarService(env: self.env).calendar(on: db)
            try await self.events.record(link.entity, link.id, .updated,
                                         changes: [FieldChange(field: "visit", old: nil,
                                                               new: "\(kind.name): \(Self.when(start, calendar: company)), \(technician.displayName)")],
                                         by: principal.userID, on: db)
            return try await self.loop(visit, kind: kind, technician: technician, now: now, by: principal, db)
        }
    }

    /// Moves a visit to another time (and technician): the confirmation loop starts again.
    public func reschedule(_ id: Int64, _ input: VisitInput, expectedVersion: Int64?, by principal: Principal) async throws -> Visit {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.readable(id, principal, db)
            _ = try await self.record(before.link, principal, .update, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            guard before.state == .booked || before.state == .confirmed else {
                throw RapportError.conflict("the visit is \(before.state.rawValue); it cannot be moved")
            }
            var input = input
            input.kindID = before.kindID
            if input.technicianID == nil { input.technicianID = before.technicianID }
            let (kind, technician, start, end) = try await self.place(input, region: before.region, excluding: id, now: now, db)
            let tasks = TaskService(env: self.env)
            for task in [before.confirmTaskID, before.technicianTaskID].compactMap({ $0 }) {
                try await tasks.close(task, as: .cancelled, now: now, db)
            }
            var visit = before
            (visit.technicianID, visit.start, visit.end, visit.state) = (technician.id, start, end, .booked)
            (visit.confirmTaskID, visit.technicianTaskID) = (nil, nil)
            visit = try await self.save(visit, before: before, now: now, db)
            let company = try await WorkCalendarService(env: self.env).calendar(on: db)
            try await self.events.record(visit.link.entity, visit.link.id, .updated,
                                         changes: [FieldChange(field: "visit", old: Self.when(before.start, calendar: company),
                                                               new: "\(kind.name): \(Self.when(start, calendar: company)), \(technician.displayName)")],
                                         by: principal.userID, on: db)
            return try await self.loop(visit, kind: kind, technician: technician, now: now, by: principal, db)
        }
    }

    /// The manager confirmed the visit with the client: the technician's task, the client's SMS.
    public func confirm(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws -> Visit {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let visit = try await self.readable(id, principal, db)
            _ = try await self.record(visit.link, principal, .update, db)
            try Access.requireVersion(expectedVersion, current: visit.version)
            guard visit.state == .booked else { throw RapportError.conflict("the visit is \(visit.state.rawValue), not waiting to be confirmed") }
            guard let kind = try await self.store.kind(id: visit.kindID, on: db),
                  let technician = try await UserStore().find(id: visit.technicianID, on: db), technician.isActive
            else { throw RapportError.conflict("the technician can no longer make the visit: move it to another") }
            return try await self.confirmed(visit, kind: kind, technician: technician, now: now, db)
        }
    }

    /// The record's responsible closed the task to confirm a visit: the client agreed, so the
    /// visit is confirmed as if from its card. A technician who left meanwhile leaves it booked
    /// (the visit must be moved first; the card says so).
    func confirmationTaskDone(_ task: WorkTask, now: Date, _ db: any SQLDatabase) async throws {
        guard let link = task.link, link.entity == "lead" || link.entity == "deal" else { return }
        guard let visit = try await store.visits(of: link, on: db).first(where: { $0.confirmTaskID == task.id && $0.state == .booked }),
              let kind = try await store.kind(id: visit.kindID, on: db),
              let technician = try await UserStore().find(id: visit.technicianID, on: db), technician.isActive
        else { return }
        _ = try await confirmed(visit, kind: kind, technician: technician, now: now, db)
    }

    /// A file sent with a visit's results (the design layout).
    public struct ResultFile: Sendable {
        public var fileName: String
        public var contentType: String?
        public var bytes: Data

        public init(fileName: String, contentType: String?, bytes: Data) {
            self.fileName = fileName
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    /// What the technician brought back (measurements, the materials chosen, the design layout
    /// as a file): the visit is done, the file is on the lead's or deal's card, and its history
    /// has both. The technician may write it, or anyone who may change the record.
    public func recordResults(_ id: Int64, results: String?, layout: ResultFile? = nil, expectedVersion: Int64?,
                              by principal: Principal) async throws -> Visit {
        var v = Validator()
        let text = v.requireText(results, field: "results", maxLength: 20_000)
        try v.throwIfInvalid()
        let files = AttachmentService(env: env)
        if let layout { try AttachmentService.check(fileName: layout.fileName, bytes: layout.bytes, limit: env.maxAttachmentBytes, field: "layout") }
        let now = env.clock.now()
        // Checked before the file is written, so a refusal leaves nothing behind.
        let visit = try await env.database.read { db in try await self.writableResults(id, principal, db) }
        let upload = try layout.map {
            try files.store(fileName: $0.fileName, contentType: $0.contentType, bytes: $0.bytes,
                            to: visit.link.entity == "lead" ? .lead : .deal, visit.link.id, by: principal.userID, field: "layout")
        }
        do {
            return try await env.database.transaction { db in
                let visit = try await self.writableResults(id, principal, db)
                try Access.requireVersion(expectedVersion, current: visit.version)
                var done = visit
                done.state = .done
                done.results = text
                done = try await self.save(done, before: visit, now: now, db)
                if let task = visit.technicianTaskID { try await TaskService(env: self.env).close(task, as: .done, now: now, db) }
                try await self.events.record(visit.link.entity, visit.link.id, .updated,
                                             changes: [FieldChange(field: "visit_results", old: visit.results, new: text)],
                                             by: principal.userID, on: db)
                if let upload { _ = try await files.insert(upload, on: db) }
                return done
            }
        } catch {
            if let upload { env.files.remove([upload.storageName]) }
            throw error
        }
    }

    /// A visit whose results the principal may write: its technician's, or one on a record
    /// they may change; not a cancelled one.
    func writableResults(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Visit {
        let visit = try await readableOrOwn(id, principal, db)
        if visit.technicianID != principal.userID { _ = try await record(visit.link, principal, .update, db) }
        guard visit.state != .cancelled else { throw RapportError.conflict("the visit was cancelled") }
        return visit
    }

    /// A visit its technician or a reader of its record may see.
    func readableOrOwn(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Visit {
        guard let visit = try await store.find(id: id, on: db) else { throw RapportError.notFound(entity: "visit") }
        if visit.technicianID == principal.userID { return visit }
        return try await readable(id, principal, db)
    }

    // MARK: the loop

    /// Checks the wanted time: the kind, a technician who can make it, a start in their working
    /// hours whose length ends the same working day, and nobody else's visit in the way.
    func place(_ input: VisitInput, region: String?, excluding: Int64?, now: Date, _ db: any SQLDatabase) async throws
        -> (VisitKind, User, Date, Date)
    {
        var v = Validator()
        let kind = try await input.kindID.asyncMapOptional { try await self.store.kind(id: $0, on: db) }
        if kind == nil { v.add("kind_id", input.kindID == nil ? "required" : "not_found", "a visit kind is required") }
        let start = input.start.flatMap(ISO8601.parse)
        if start == nil { v.add("start", input.start == nil ? "required" : "invalid", "start must be a date and time such as 2026-12-02T10:00:00+03:00") }
        if let start, start < now { v.add("start", "past", "the visit must be in the future") }
        try v.throwIfInvalid()
        let people = try await technicians(for: kind!, region: region, db)
        guard let technicianID = input.technicianID, let technician = people.first(where: { $0.id == technicianID }) else {
            throw RapportError.invalid("technician_id", "not_found", "no active technician with the skill \(kind!.skill) for this region")
        }
        let dayEnd = start!.addingTimeInterval(86_400)
        let free = try await slots(kind!, [technician], from: start!, to: dayEnd, excluding: excluding, db)
        guard let slot = free.first(where: { $0.start == start! }) else {
            throw RapportError.conflict("the technician is not free for the whole visit at that time")
        }
        return (kind!, technician, slot.start, slot.end)
    }

    /// More than a working day away: a task to confirm it the working day before; otherwise
    /// confirmed at once.
    func loop(_ visit: Visit, kind: VisitKind, technician: User, now: Date, by principal: Principal, _ db: any SQLDatabase) async throws
        -> Visit
    {
        let owner = try await LeadIntake(env: env).owner(of: visit.link, db) ?? principal.userID
        let calendar = try await WorkCalendarService(env: env).calendar(forUser: owner, on: db)
        guard calendar.adding(workingDays: 1, to: now) < visit.start else {
            return try await confirmed(visit, kind: kind, technician: technician, now: now, db)
        }
        // The working day before the visit, by its close.
        var day = calendar.day(of: visit.start).adding(days: -1)
        while !calendar.isWorkingDay(day), day > calendar.day(of: now) { day = day.adding(days: -1) }
        let due = calendar.intervals(on: day).last?.end ?? visit.start
        let ru = (try await SettingsStore().get(on: db)?.locale ?? .en) == .ru
        let when = Self.when(visit.start, calendar: calendar)
        let input = TaskInput(title: (ru ? "Подтвердить с клиентом: \(kind.name.lowercased()) \(when)" : "Confirm with the client: \(kind.name) \(when)"),
                              description: visit.address, ownerID: owner, deadline: ISO8601.string(due), priority: "normal",
                              linkEntity: visit.link.entity, linkID: visit.link.id)
        let tasks = TaskService(env: env)
        let task = try await tasks.save(try await tasks.prepare(input, due: nil, calendar: nil, now: now, by: nil, db), now: now, by: nil, db)
        var waiting = visit
        waiting.confirmTaskID = task.id
        return try await save(waiting, before: visit, now: now, db)
    }

    /// Confirmed: the technician's task with the checklist, the client's SMS queued, the
    /// confirmation task (if any) done.
    func confirmed(_ visit: Visit, kind: VisitKind, technician: User, now: Date, _ db: any SQLDatabase) async throws -> Visit {
        let ru = (try await SettingsStore().get(on: db)?.locale ?? .en) == .ru
        let client = try await self.client(of: visit.link, db)
        let calendar = try await WorkCalendarService(env: env).calendar(forUser: technician.id, on: db)
        let when = Self.when(visit.start, calendar: calendar)
        let checklist = [
            (ru ? "Клиент: " : "Client: ") + [client.name, client.phone].compactMap { $0 }.joined(separator: ", "),
            (ru ? "Адрес: " : "Address: ") + visit.address,
            (ru ? "Дата и время: " : "Date and time: ") + when,
            (ru ? "Комментарии: " : "Comments: ") + (visit.comments ?? "—"),
            (ru ? "Предварительная цена: " : "Preliminary price: ") + (client.amount ?? "—"),
        ].map { WorkTask.ChecklistItem(text: $0, done: false) }
        let input = TaskInput(title: "\(kind.name): \(when), \(visit.address)", description: visit.comments, checklist: checklist,
                              ownerID: technician.id, deadline: ISO8601.string(visit.end), priority: "high",
                              linkEntity: visit.link.entity, linkID: visit.link.id)
        let tasks = TaskService(env: env)
        let task = try await tasks.save(try await tasks.prepare(input, due: nil, calendar: nil, now: now, by: nil, db), now: now, by: nil, db)
        if let confirm = visit.confirmTaskID { try await tasks.close(confirm, as: .done, now: now, db) }
        // The gateway is given the number in E.164 where it can be read as one.
        if let phone = client.phone.map({ Phone.normalize($0) ?? $0 }) {
            let settings = try await SettingsStore().get(on: db)
            let locale = settings?.locale ?? .en
            var message = OutboxMessage(channel: .sms, recipient: phone, body: "", link: visit.link, createdAt: now)
            // The company's "visit_sms" template when it has one; else the built-in text.
            if let template = try await TemplateStore().find(kind: .sms, code: "visit_sms", locale: locale, on: db),
               template.kind == .sms, template.subject == .visit {
                let rendered = try await TemplateService(env: env).render(template, for: .init(entity: "visit", id: visit.id), now: now, db)
                message.body = rendered.text
                message.templateVersionID = rendered.versionID
            } else {
                let company = settings?.name ?? ""
                message.body = ru
                    ? "\(company): \(kind.name.lowercased()) \(when). Специалист: \(technician.displayName)\(technician.phone.map { ", \($0)" } ?? "")."
                    : "\(company): \(kind.name.lowercased()) \(when). Your specialist: \(technician.displayName)\(technician.phone.map { ", \($0)" } ?? "")."
            }
            _ = try await OutboxService(env: env).queue(message, db)
        } else if let owner = client.ownerID {
            // No number for the SMS: the responsible tells the client another way.
            let tell = TaskInput(
                title: ru ? "Сообщить клиенту о визите: \(kind.name.lowercased()) \(when) — нет телефона для SMS"
                    : "Tell the client about the visit: \(kind.name.lowercased()) \(when) — no phone for the SMS",
                description: ru ? "SMS о визите не отправлено: в карточке нет телефона клиента. Специалист: \(technician.displayName)."
                    : "The visit SMS was not sent: the card has no phone of the client. Specialist: \(technician.displayName).",
                ownerID: owner, priority: "high", linkEntity: visit.link.entity, linkID: visit.link.id)
            let ownerCalendar = try await WorkCalendarService(env: env).calendar(forUser: owner, on: db)
            _ = try await tasks.save(try await tasks.prepare(tell, due: .workingHours(1), calendar: ownerCalendar, now: now, by: nil, db),
                                     now: now, by: nil, db)
        }
        var done = visit
        done.state = .confirmed
        done.technicianTaskID = task.id
        try await events.record(visit.link.entity, visit.link.id, .updated,
                                changes: [FieldChange(field: "visit_confirmed", old: nil, new: "\(kind.name): \(when), \(technician.displayName)")],
                                by: nil, on: db)
        return try await save(done, before: visit, now: now, db)
    }

    func save(_ visit: Visit, before: Visit, now: Date, _ db: any SQLDatabase) async throws -> Visit {
        var saved = visit
        saved.updatedAt = now
        guard let version = try await store.update(saved, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        saved.version = version
        return saved
    }

    static func when(_ date: Date, calendar: BusinessCalendar) -> String {
        let day = calendar.day(of: date)
        let minutes = Int(date.timeIntervalSince(calendar.instant(day, minute: 0)) / 60)
        return String(format: "%02d.%02d.%04d %02d:%02d", day.day, day.month, day.year, minutes / 60, minutes % 60)
    }

    /// The client's name, first phone and the preliminary amount of a lead or deal.
    /// The client of the visit's record as the technician's task and the client's SMS need it,
    /// with the record's responsible (told when the SMS has no number to go to).
    func client(of link: WorkTask.Link, _ db: any SQLDatabase)
        async throws -> (name: String?, phone: String?, amount: String?, ownerID: Int64?)
    {
        if link.entity == "lead", let lead = try await LeadStore().find(id: link.id, on: db) {
            return (lead.clientName, lead.phones.first,
                    (lead.preliminaryAmount ?? lead.amount).map { MinorUnits.text($0, digits: MinorUnits.digits(lead.currency)) + " " + lead.currency },
                    lead.ownerID)
        }
        if link.entity == "deal", let deal = try await DealStore().find(id: link.id, on: db) {
            var name: String?
            if let contact = deal.contactID { name = try await ContactStore().find(id: contact, on: db)?.displayName }
            return (name ?? deal.title, deal.clientChannels.first { $0.kind == .phone }?.value,
                    (deal.preliminaryAmount ?? deal.amount).map { MinorUnits.text($0, digits: MinorUnits.digits(deal.currency)) + " " + deal.currency },
                    deal.ownerID)
        }
        return (nil, nil, nil, nil)
    }

    // MARK: access

    /// The lead or deal a visit is for, when the principal may `action` it.
    func record(_ link: WorkTask.Link, _ principal: Principal, _ action: PermissionAction, _ db: any SQLDatabase) async throws -> Bool {
        guard link.entity == "lead" || link.entity == "deal", let permission = WorkTask.Link.entities[link.entity] else {
            throw RapportError.invalid("link_entity", "invalid", "a visit is for a lead or a deal")
        }
        guard let ownership = try await LinkAccess.readableOwnership(link, principal, db) else {
            throw RapportError.invalid("link_id", "not_found", "no \(link.entity) with id \(link.id)")
        }
        if action != .read { try Access.require(principal, action, permission, record: ownership) }
        return true
    }

    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Visit {
        guard let visit = try await store.find(id: id, on: db) else { throw RapportError.notFound(entity: "visit") }
        guard try await LinkAccess.readableOwnership(visit.link, principal, db) != nil else { throw RapportError.notFound(entity: "visit") }
        return visit
    }
}

extension Optional {
    /// The value's transform, awaited; nil stays nil.
    func asyncMapOptional<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
