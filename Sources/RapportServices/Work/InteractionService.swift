import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Interactions (P6): logged when they happen, planned ahead as the work queue, chained per
/// client and subject, on the client's timeline. Who may do what: the role's activity rights
/// by the responsible's department, and beyond them the people on it — its creator and
/// responsible change it, colleagues taking part read it.
public struct InteractionService: Sendable {
    let env: ServiceEnvironment
    let interactions = InteractionStore()
    let events: EventRecorder

    static let maxParticipants = 50
    static let maxReminders = 10
    static let maxDurationMinutes = 7 * 24 * 60

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// An interaction with the rest of its chain (oldest first) that the reader may see.
    public struct Card: Sendable, Equatable {
        public var interaction: Interaction
        public var chain: [Interaction]
    }

    // MARK: reading

    public func get(_ id: Int64, by principal: Principal) async throws -> Card {
        let now = env.clock.now()
        return try await env.database.read { db in
            let interaction = try await self.readable(id, principal, db)
            let chain = try await self.interactions.list(
                .init(threadID: interaction.threadID, ascending: true), scope: principal.scope(.activity, .read),
                subject: principal.subject, now: now, page: .init(limit: 100), on: db).items
            let shown = try await Self.visible([interaction] + chain, principal, db)
            return Card(interaction: shown[0], chain: Array(shown.dropFirst()))
        }
    }

    public func list(_ query: InteractionStore.Query, page: PageRequest, by principal: Principal) async throws
        -> Page<Interaction>
    {
        if !query.mineOnly { try Access.requireAny(principal, .read, .activity) }
        let now = env.clock.now()
        return try await env.database.read { db in
            var page = try await self.interactions.list(query, scope: principal.scope(.activity, .read),
                                                        subject: principal.subject, now: now, page: page, on: db)
            page.items = try await Self.visible(page.items, principal, db)
            return page
        }
    }

    /// The interactions as the principal may see them: a contact or company taking part that
    /// they may not read keeps its id but not its name.
    static func visible(_ items: [Interaction], _ principal: Principal, _ db: any SQLDatabase) async throws -> [Interaction] {
        let records = Set(items.flatMap { item in
            item.participants.compactMap { p -> WorkTask.Link? in
                guard p.kind == .contact || p.kind == .company, let id = p.refID else { return nil }
                return WorkTask.Link(entity: p.kind.rawValue, id: id)
            }
        })
        guard !records.isEmpty else { return items }
        let summaries = try await SearchStore().summaries(records.map { ($0.entity, $0.id) }, on: db)
        return items.map { item in
            var item = item
            for (index, p) in item.participants.enumerated() where p.kind == .contact || p.kind == .company {
                let summary = p.refID.flatMap { summaries[p.kind.rawValue]?[$0] }
                let readable = summary.map { AccessPolicy.allows(principal.subject, .read, WorkTask.Link.entities[p.kind.rawValue]!,
                                                                 record: $0.ownership) } ?? false
                item.participants[index].name = readable ? summary?.name : nil
            }
            return item
        }
    }

    /// Planned interactions whose time has passed, that the principal is responsible for.
    public func overdueCount(by principal: Principal) async throws -> Int {
        let now = env.clock.now()
        return try await env.database.read { db in
            try await self.interactions.overdueCount(userID: principal.userID, now: now, on: db)
        }
    }

    /// The desktop's counts: the principal's planned interactions still to come today (before
    /// `endOfDay`) and the overdue ones.
    public func dayCounts(endOfDay: Date, by principal: Principal) async throws -> (laterToday: Int, overdue: Int) {
        let now = env.clock.now()
        return try await env.database.read { db in
            try await self.interactions.dayCounts(userID: principal.userID, now: now, endOfDay: endOfDay, on: db)
        }
    }

    /// The names of the records interactions are about or took part in, those the principal
    /// may read. `known` are records the caller has read already (a card's own record): they
    /// are named as given and not looked up again.
    public func recordNames(_ items: [Interaction], known: [WorkTask.Link: String] = [:], by principal: Principal)
        async throws -> [WorkTask.Link: String]
    {
        var links = Set(items.compactMap(\.link))
        for item in items {
            for p in item.participants where p.kind == .contact || p.kind == .company {
                if let id = p.refID { links.insert(.init(entity: p.kind.rawValue, id: id)) }
            }
        }
        links.subtract(known.keys)
        return try await linkNames(Array(links), by: principal).merging(known) { found, _ in found }
    }

    /// The names of these records, those the principal may read.
    public func linkNames(_ links: [WorkTask.Link], by principal: Principal) async throws -> [WorkTask.Link: String] {
        try await TaskService(env: env).linkNames(links, by: principal)
    }

    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await env.database.read { db in
            _ = try await self.readable(id, principal, db)
            return try await EventStore().list(.init(entity: "interaction", entityID: id), scope: .all,
                                               subject: principal.subject, page: page, on: db)
        }
    }

    // MARK: changing

    /// Logs or plans an interaction. With a record and no parent it joins the chain of the
    /// latest interaction about that record with the same subject.
    public func create(_ input: InteractionInput, by principal: Principal) async throws -> Interaction {
        try Access.requireAny(principal, .create, .activity)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            try await self.insert(input, parent: nil, now: now, principal: principal, db)
        }
    }

    /// A follow-up of interaction `id`: its kind, subject, record, participants, responsible,
    /// type, priority and advertising source carried over unless `input` says otherwise;
    /// planned, by default one working day from now; in the same chain. The channel and
    /// direction stay too when the kind does.
    public func followUp(_ id: Int64, _ input: InteractionInput, by principal: Principal) async throws -> Interaction {
        try Access.requireAny(principal, .create, .activity)
        let now = env.clock.now()
        // One working day ahead in the calendar of whoever will hold it.
        var holder = principal.userID
        if let owner = input.ownerID {
            holder = owner
        } else if input.startAt == nil {
            holder = try await env.database.read { db in try await self.readable(id, principal, db).ownerID }
        }
        let defaultStart = input.startAt == nil
            ? try await WorkCalendarService(env: env).calendar(forUser: holder).adding(workingDays: 1, to: now) : nil
        return try await env.database.transaction { db in
            let parent = try await self.readable(id, principal, db)
            var carried = input
            carried.kind = input.kind ?? parent.kind.rawValue
            carried.subject = input.subject ?? parent.subject
            carried.status = input.status ?? Interaction.Status.planned.rawValue
            carried.startAt = input.startAt ?? defaultStart.map(ISO8601.string)
            carried.ownerID = input.ownerID ?? parent.ownerID
            carried.priority = input.priority ?? parent.priority.rawValue
            carried.purpose = input.purpose ?? parent.purpose?.rawValue
            carried.advertisingSource = input.advertisingSource ?? parent.advertisingSource
            // Where and which way it went stay only for the same kind (a visit has its own address).
            if carried.kind == parent.kind.rawValue {
                carried.channel = input.channel ?? parent.channel
                carried.direction = input.direction ?? parent.direction?.rawValue
            }
            if input.participants == nil {
                carried.participants = parent.participants.map { .init(kind: $0.kind.rawValue, id: $0.refID, name: $0.name) }
            }
            if input.linkEntity == nil, let link = parent.link {
                carried.linkEntity = link.entity
                carried.linkID = link.id
            }
            return try await self.insert(carried, parent: parent, now: now, principal: principal, db)
        }
    }

    func insert(_ input: InteractionInput, parent: Interaction?, now: Date, principal: Principal, _ db: any SQLDatabase)
        async throws -> Interaction
    {
        var item = Interaction(kind: .note, subject: "", startAt: now, ownerID: input.ownerID ?? principal.userID,
                               createdBy: principal.userID, createdAt: now, updatedAt: now)
        var v = Validator()
        if input.kind == nil { v.add("kind", "required", "kind is required") }
        try await apply(input, to: &item, creating: true, now: now, principal: principal, db, &v)
        try v.throwIfInvalid()
        let ownership = try await Responsible.ownership(item.ownerID, on: db)
        try Access.require(principal, .create, .activity, record: ownership)
        if let parent {
            item.parentID = parent.id
            item.threadID = parent.threadID
        } else if let link = item.link {
            item.threadID = try await interactions.thread(link: link, subject: item.subject, on: db) ?? 0
        }
        item.id = try await interactions.insert(item, on: db)
        if item.threadID == 0 { item.threadID = item.id }
        try await Self.scheduleReminders(item, now: now, db)
        try await events.record("interaction", item.id, .created, changes: Self.fields(nil, item), by: principal.userID, on: db)
        if let link = item.link {
            try await events.record(link.entity, link.id, .updated,
                                    changes: [FieldChange(field: "interaction", old: nil, new: Self.headline(item))],
                                    by: principal.userID, on: db)
        }
        return try await Self.visible([item], principal, db)[0]
    }

    public func update(_ id: Int64, _ input: InteractionInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> Interaction
    {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.readable(id, principal, db)
            try await self.requireChange(before, principal, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            var v = Validator()
            try await self.apply(input, to: &after, creating: false, now: now, principal: principal, db, &v)
            try v.throwIfInvalid()
            if after.ownerID != before.ownerID {
                try Access.require(principal, .update, .activity, record: try await Responsible.ownership(after.ownerID, on: db))
            }
            after.updatedAt = now
            guard let version = try await self.interactions.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            if after.reminders != before.reminders || after.status != before.status {
                try await Self.scheduleReminders(after, now: now, db)
            }
            let changes = Self.fields(before, after)
            if !changes.isEmpty {
                try await self.events.record("interaction", id, .updated, changes: changes, by: principal.userID, on: db)
            }
            if let link = after.link, after.status == .held, before.status != .held {
                try await self.events.record(link.entity, link.id, .updated,
                                             changes: [FieldChange(field: "interaction_held", old: nil, new: Self.headline(after))],
                                             by: principal.userID, on: db)
            }
            return try await Self.visible([after], principal, db)[0]
        }
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await env.database.transaction { db in
            let item = try await self.readable(id, principal, db)
            if item.createdBy != principal.userID {
                try Access.require(principal, .delete, .activity, record: try await self.ownership(item, db))
            }
            try Access.requireVersion(expectedVersion, current: item.version)
            try await self.interactions.delete(id: id, on: db)
            try await TimerStore().removeAll(kind: TimerService.interactionReminder, refID: id, on: db)
            try await self.events.record("interaction", id, .deleted, changes: Self.fields(item, nil), by: principal.userID, on: db)
        }
    }

    // MARK: participants as records

    /// Links the participant at `position` (free text or not) to a record; an interaction
    /// about no record becomes about this one.
    public func linkParticipant(_ id: Int64, position: Int, entity: String, recordID: Int64, expectedVersion: Int64?,
                                by principal: Principal) async throws -> Interaction {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            try await self.linkParticipant(id, position: position, entity: entity, recordID: recordID,
                                           expectedVersion: expectedVersion, now: now, principal: principal, db)
        }
    }

    func linkParticipant(_ id: Int64, position: Int, entity: String, recordID: Int64, expectedVersion: Int64?, now: Date,
                         principal: Principal, _ db: any SQLDatabase) async throws -> Interaction {
        let before = try await readable(id, principal, db)
        try await requireChange(before, principal, db)
        try Access.requireVersion(expectedVersion, current: before.version)
        guard before.participants.indices.contains(position) else {
            throw RapportError.invalid("position", "not_found", "the interaction has no participant \(position)")
        }
        guard let kind = Interaction.Participant.Kind(rawValue: entity), kind == .contact || kind == .company else {
            throw RapportError.invalid("entity", "invalid", "entity must be contact or company")
        }
        var after = before
        guard let record = try await readableRecord(kind, recordID, principal, db) else {
            throw RapportError.invalid("id", "not_found", "no \(entity) with id \(recordID)")
        }
        after.participants[position] = record
        if after.link == nil { after.link = .init(entity: entity, id: recordID) }
        after.updatedAt = now
        guard let version = try await interactions.update(after, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        after.version = version
        try await events.record("interaction", id, .updated, changes: Self.fields(before, after), by: principal.userID, on: db)
        try await events.record(entity, recordID, .updated,
                                changes: [FieldChange(field: "interaction", old: nil, new: Self.headline(after))],
                                by: principal.userID, on: db)
        return try await Self.visible([after], principal, db)[0]
    }

    /// Creates a contact from the participant at `position` — the name split into its parts,
    /// the channel as a phone or e-mail, the interaction's company as the contact's company —
    /// and links the participant to it, in one transaction. Duplicates are refused as on any
    /// new contact unless `allowDuplicates`.
    public func createContact(from id: Int64, position: Int, allowDuplicates: Bool, by principal: Principal) async throws
        -> (contactID: Int64, interaction: Interaction)
    {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let item = try await self.readable(id, principal, db)
            let participant = try Self.participant(item, position)
            let name = PersonName.split(participant.name ?? "")
            var input = ContactInput(firstName: name.first, middleName: name.middle, lastName: name.last,
                                     channels: Self.carriedChannels(item), ownerID: principal.userID)
            if let link = item.link, link.entity == "company", try await self.readableRecord(.company, link.id, principal, db) != nil {
                input.companies = [.init(companyID: link.id)]
            }
            let card = try await ContactService(env: self.env).create(input, allowDuplicates: allowDuplicates, by: principal, on: db)
            let linked = try await self.linkParticipant(id, position: position, entity: "contact", recordID: card.contact.id,
                                                        expectedVersion: nil, now: now, principal: principal, db)
            return (card.contact.id, linked)
        }
    }

    /// Creates a company from the participant at `position` (its name, the channel, the
    /// advertising source) and links the participant to it, in one transaction.
    public func createCompany(from id: Int64, position: Int, allowDuplicates: Bool, by principal: Principal) async throws
        -> (companyID: Int64, interaction: Interaction)
    {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let item = try await self.readable(id, principal, db)
            let participant = try Self.participant(item, position)
            let input = CompanyInput(shortName: participant.name, channels: Self.carriedChannels(item),
                                     advertisingSource: item.advertisingSource, ownerID: principal.userID)
            let card = try await CompanyService(env: self.env).create(input, allowDuplicates: allowDuplicates, by: principal, on: db)
            let linked = try await self.linkParticipant(id, position: position, entity: "company", recordID: card.id,
                                                        expectedVersion: nil, now: now, principal: principal, db)
            return (card.id, linked)
        }
    }

    /// A free-text participant, the only kind a record is made from.
    static func participant(_ item: Interaction, _ position: Int) throws -> Interaction.Participant {
        guard item.participants.indices.contains(position) else {
            throw RapportError.invalid("position", "not_found", "the interaction has no participant \(position)")
        }
        let participant = item.participants[position]
        guard participant.kind == .text, !(participant.name ?? "").isEmpty else {
            throw RapportError.invalid("position", "not_text", "only a participant written as text becomes a new record")
        }
        return participant
    }

    /// The interaction's channel as the new record's phone (calls, SMS, messengers) or e-mail.
    static func carriedChannels(_ item: Interaction) -> [ContactChannel]? {
        guard let channel = item.channel?.trimmingCharacters(in: .whitespaces), !channel.isEmpty else { return nil }
        switch item.kind {
        case .email where channel.contains("@") && !channel.contains(" "):
            return [ContactChannel(kind: .email, value: channel)]
        case .call, .sms, .messenger:
            return channel.filter(\.isNumber).count >= 5 ? [ContactChannel(kind: .phone, value: channel)] : nil
        default:
            return nil
        }
    }

    // MARK: rules

    /// The interaction, when the principal may read it: through the role's activity rights or by being on it.
    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Interaction {
        guard let item = try await interactions.find(id: id, on: db) else { throw RapportError.notFound(entity: "interaction") }
        if Self.isOn(item, principal.userID) { return item }
        guard AccessPolicy.allows(principal.subject, .read, .activity, record: try await ownership(item, db)) else {
            throw RapportError.notFound(entity: "interaction")
        }
        return item
    }

    static func isOn(_ item: Interaction, _ userID: Int64) -> Bool {
        item.ownerID == userID || item.createdBy == userID || item.userParticipantIDs.contains(userID)
    }

    /// Creator and responsible change it; others need the role's update right.
    func requireChange(_ item: Interaction, _ principal: Principal, _ db: any SQLDatabase) async throws {
        if item.createdBy == principal.userID || item.ownerID == principal.userID { return }
        let ownership = try await ownership(item, db)
        if AccessPolicy.allows(principal.subject, .update, .activity, record: ownership) { return }
        if item.userParticipantIDs.contains(principal.userID) { throw RapportError.forbidden }
        try Access.require(principal, .update, .activity, record: ownership)
    }

    func ownership(_ item: Interaction, _ db: any SQLDatabase) async throws -> RecordOwnership {
        try await Responsible.recordOwnership(item.ownerID, on: db)
    }

    /// A contact or company the principal may read, as a participant with its current name;
    /// nil when there is none or it may not be read (the caller says "not found" either way).
    func readableRecord(_ kind: Interaction.Participant.Kind, _ id: Int64, _ principal: Principal, _ db: any SQLDatabase)
        async throws -> Interaction.Participant?
    {
        let summary = try await SearchStore().summaries([(kind.rawValue, id)], on: db)[kind.rawValue]?[id]
        guard let summary, let permission = WorkTask.Link.entities[kind.rawValue],
              AccessPolicy.allows(principal.subject, .read, permission, record: summary.ownership)
        else { return nil }
        return .init(kind: kind, refID: id, name: summary.name)
    }

    /// Whether the record an interaction is about (a client, lead or deal) exists and the principal may read it.
    func readableLink(_ link: WorkTask.Link, _ principal: Principal, _ db: any SQLDatabase) async throws -> Bool {
        guard let permission = WorkTask.Link.entities[link.entity],
              let summary = try await SearchStore().summaries([(link.entity, link.id)], on: db)[link.entity]?[link.id]
        else { return false }
        return AccessPolicy.allows(principal.subject, .read, permission, record: summary.ownership)
    }

    /// Reminders still to come of a planned interaction become its timers; others have none.
    static func scheduleReminders(_ item: Interaction, now: Date, _ db: any SQLDatabase) async throws {
        let moments = item.status == .planned ? item.reminders.filter { $0 > now } : []
        try await TimerStore().replace(kind: TimerService.interactionReminder, refID: item.id, moments: moments, now: now, on: db)
    }

    /// How the client's history names it: its subject (the field says it is an interaction).
    static func headline(_ item: Interaction) -> String { item.subject }

    // MARK: input

    func apply(_ input: InteractionInput, to item: inout Interaction, creating: Bool, now: Date, principal: Principal,
               _ db: any SQLDatabase, _ v: inout Validator) async throws {
        if let kind = v.choice(input.kind, Interaction.Kind.self, field: "kind") { item.kind = kind }
        if creating || input.subject != nil { item.subject = v.requireText(input.subject, field: "subject", maxLength: 300) }
        if input.details != nil { item.details = v.optionalText(input.details, field: "details", maxLength: 20_000) }
        if let text = input.startAt {
            if let date = TaskService.date(text, field: "start_at", &v) { item.startAt = date } else if text.isEmpty {
                v.add("start_at", "required", "start_at is required")
            }
        }
        if let minutes = input.durationMinutes {
            if (0...Self.maxDurationMinutes).contains(minutes) { item.durationMinutes = minutes == 0 ? nil : minutes } else {
                v.add("duration_minutes", "out_of_range", "duration_minutes must be between 0 and \(Self.maxDurationMinutes)")
            }
        }
        if input.channel != nil { item.channel = v.optionalText(input.channel, field: "channel", maxLength: 300) }
        if let text = input.direction {
            item.direction = text.isEmpty ? nil : v.choice(text, Interaction.Direction.self, field: "direction")
        }
        if let priority = v.choice(input.priority, Interaction.Priority.self, field: "priority") { item.priority = priority }
        if let text = input.purpose { item.purpose = text.isEmpty ? nil : v.choice(text, Interaction.Purpose.self, field: "type") }
        if let state = v.choice(input.state, Interaction.State.self, field: "state") { item.state = state }
        if let status = v.choice(input.status, Interaction.Status.self, field: "status") { item.status = status }
        if input.advertisingSource != nil {
            item.advertisingSource = v.optionalText(input.advertisingSource, field: "advertising_source", maxLength: 200)
        }
        if input.result != nil { item.result = v.optionalText(input.result, field: "result", maxLength: 20_000) }
        if let owner = input.ownerID {
            if owner <= 0 { v.add("owner_id", "invalid", "owner_id must be a user's id") } else { item.ownerID = owner }
        }
        if let list = input.participants {
            if list.count > Self.maxParticipants { v.add("participants", "too_long", "at most \(Self.maxParticipants) participants") }
            var participants: [Interaction.Participant] = []
            for (index, p) in list.prefix(Self.maxParticipants).enumerated() {
                // A record already taking part stays, even one the principal may no longer read.
                if let kept = item.participants.first(where: { $0.kind.rawValue == p.kind && $0.refID != nil && $0.refID == p.id }),
                   kept.kind == .contact || kept.kind == .company {
                    if !participants.contains(kept) { participants.append(kept) }
                    continue
                }
                if let participant = try await participant(p, field: "participants.\(index)", principal, db, &v),
                   !participants.contains(participant) {
                    participants.append(participant)
                }
            }
            item.participants = participants
        }
        if input.linkEntity == nil, input.linkID != nil {
            v.add("link_entity", "required", "link_entity is required with link_id")
        }
        if let entity = input.linkEntity {
            if entity.isEmpty {
                item.link = nil
            } else if WorkTask.Link.entities[entity] != nil {
                if let id = input.linkID, id > 0 {
                    if try await readableLink(.init(entity: entity, id: id), principal, db) {
                        item.link = .init(entity: entity, id: id)
                    } else {
                        v.add("link_id", "not_found", "no \(entity) with id \(id)")
                    }
                } else {
                    v.add("link_id", "required", "link_id is required with link_entity")
                }
            } else {
                v.add("link_entity", "invalid",
                      "link_entity must be one of \(WorkTask.Link.entities.keys.sorted().joined(separator: ", "))")
            }
        }
        if let texts = input.reminders {
            if texts.count > Self.maxReminders { v.add("reminders", "too_long", "at most \(Self.maxReminders) reminders") }
            var dates: [Date] = []
            for (index, text) in texts.enumerated() {
                guard let date = TaskService.date(text, field: "reminders.\(index)", &v) else { continue }
                if date <= now && !item.reminders.contains(date) {
                    v.add("reminders.\(index)", "past", "a reminder must be in the future")
                }
                dates.append(date)
            }
            item.reminders = Array(Set(dates)).sorted()
        }
    }

    /// One participant as sent, checked: a readable contact or company, an active colleague, or text.
    func participant(_ p: InteractionInput.ParticipantInput, field: String, _ principal: Principal, _ db: any SQLDatabase,
                     _ v: inout Validator) async throws -> Interaction.Participant? {
        guard let kind = Interaction.Participant.Kind(rawValue: p.kind) else {
            v.add("\(field).kind", "invalid", "a participant's kind must be contact, company, user or text")
            return nil
        }
        switch kind {
        case .text:
            let name = v.requireText(p.name, field: "\(field).name", maxLength: 200)
            return name.isEmpty ? nil : .init(kind: .text, name: name)
        case .user:
            guard let id = p.id, let user = try await UserStore().find(id: id, on: db) else {
                v.add("\(field).id", "not_found", "no user with id \(p.id.map(String.init) ?? "–")")
                return nil
            }
            if !user.isActive { v.add("\(field).id", "disabled", "\(user.displayName) is disabled") }
            return .init(kind: .user, refID: id, name: user.displayName)
        case .contact, .company:
            guard let id = p.id else {
                v.add("\(field).id", "required", "a \(kind.rawValue) participant needs its id")
                return nil
            }
            guard let record = try await readableRecord(kind, id, principal, db) else {
                v.add("\(field).id", "not_found", "no \(kind.rawValue) with id \(id)")
                return nil
            }
            return record
        }
    }

    /// A participant in the history: the name as heard, a colleague's name, or which record
    /// it is ("contact 12": a record's name is not kept where its readers may differ).
    static func participantText(_ p: Interaction.Participant) -> String {
        switch p.kind {
        case .text, .user: p.name ?? ""
        case .contact, .company: "\(p.kind.rawValue) \(p.refID ?? 0)"
        }
    }

    /// What is shown in the interaction's history.
    static func fields(_ before: Interaction?, _ after: Interaction?) -> [FieldChange] {
        func values(_ i: Interaction?) -> [(String, String?)] {
            guard let i else { return [] }
            return [("interaction_kind", i.kind.rawValue), ("subject", i.subject), ("details", i.details),
                    ("start_at", ISO8601.string(i.startAt)), ("duration_minutes", i.durationMinutes.map(String.init)),
                    ("channel", i.channel), ("direction", i.direction?.rawValue), ("priority", i.priority.rawValue),
                    ("type", i.purpose?.rawValue), ("state", i.state.rawValue), ("status", i.status.rawValue),
                    ("advertising_source", i.advertisingSource), ("owner_id", String(i.ownerID)), ("result", i.result),
                    ("link", i.link.map { "\($0.entity) \($0.id)" }),
                    ("participants", i.participants.isEmpty ? nil : i.participants.map(Self.participantText).joined(separator: ", ")),
                    ("reminders", i.reminders.isEmpty ? nil : i.reminders.map(ISO8601.string).joined(separator: ", "))]
        }
        let old = Dictionary(values(before), uniquingKeysWith: { a, _ in a })
        let new = Dictionary(values(after), uniquingKeysWith: { a, _ in a })
        return (after == nil ? values(before) : values(after)).map(\.0).compactMap { field in
            let o = old[field] ?? nil, n = new[field] ?? nil
            return o == n ? nil : FieldChange(field: field, old: o, new: n)
        }
    }
}
