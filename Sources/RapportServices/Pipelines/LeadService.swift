import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Leads (P3): created by people, the API, the import and (later) the channels; changed,
/// moved through the lead pipeline by `move` (the one path every caller takes), closed as
/// junk with a reason, converted into a client and a deal (`LeadConversion`).
public struct LeadService: Sendable {
    let env: ServiceEnvironment
    let leads = LeadStore()
    let moves: StageMoves
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.moves = StageMoves(env: env)
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A lead with what its card shows.
    public struct Card: Sendable {
        public var lead: Lead
        public var lineItems: [LineItem]
        public var pipeline: Pipeline
        public var visits: [StageVisit]
    }

    // MARK: reading

    public func get(_ id: Int64, by principal: Principal) async throws -> Card {
        try await env.database.read { db in
            let lead = try await self.readable(id, principal, db)
            return Card(lead: lead, lineItems: try await LineItemStore().items(.lead, recordID: id, on: db),
                        pipeline: try await PipelineStore().find(id: lead.place.pipelineID, on: db)
                            ?? Pipeline(entity: .lead, name: ""),
                        visits: try await StagePlaceStore().visits(.lead, recordID: id, on: db))
        }
    }

    public func list(_ query: PipelineRecordQuery, page: PageRequest, by principal: Principal) async throws -> Page<Lead> {
        try Access.requireAny(principal, .read, .lead)
        return try await env.database.read { db in
            let (ids, next) = try await PipelineListStore().ids(.lead, query, scope: principal.scope(.lead, .read),
                                                                subject: principal.subject, page: page, on: db)
            return Page(items: try await self.leads.find(ids: ids, on: db), nextCursor: next)
        }
    }

    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await env.database.read { db in
            _ = try await self.readable(id, principal, db)
            return try await EventStore().list(.init(entity: "lead", entityID: id), scope: .all, subject: principal.subject,
                                               page: page, on: db)
        }
    }

    // MARK: changing

    /// Creates a lead in the given pipeline and stage (by default the first lead pipeline's
    /// first stage). A stage beyond the first must admit it: its gate applies as to a move.
    /// A nil principal is the system (channels, import).
    public func create(_ input: LeadInput, by principal: Principal?) async throws -> Lead {
        if let principal { try Access.requireAny(principal, .create, .lead) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let ownerID = input.ownerID ?? principal?.userID else {
                throw RapportError.invalid("owner_id", "required", "owner_id is required")
            }
            let settings = try await SettingsStore().get(on: db)
            var lead = Lead(title: "", ownerID: ownerID, currency: settings?.currency ?? "RUB", createdBy: principal?.userID,
                            createdAt: now, updatedAt: now)
            var v = Validator()
            let items = try await self.apply(input, to: &lead, creating: true, principal: principal, db, &v)
            let (pipeline, stage) = try await Self.startingPlace(.lead, input.pipelineID, input.stageID, db, &v)
            try v.throwIfInvalid()
            if lead.title.isEmpty { lead.title = Self.defaultTitle(lead) ?? (settings?.locale == .ru ? "Новый лид" : "New lead") }
            try await PipelineRecordRules.requireOwner(lead.ownerID, .lead, .create, principal, db)
            lead.place = StagePlace(pipelineID: pipeline.id, stageID: stage.id, visitID: 0, enteredAt: now)
            lead.id = try await self.leads.insert(lead, on: db)
            if let items { try await LineItemStore().replace(.lead, recordID: lead.id, with: items, on: db) }
            try await self.events.record("lead", lead.id, .created, changes: PipelineRecordRules.changes([], Self.fields(lead)),
                                         by: principal?.userID, on: db)
            return try await self.moves.place(lead, in: stage, of: pipeline, by: principal?.userID, now: now, db)
        }
    }

    public func update(_ id: Int64, _ input: LeadInput, expectedVersion: Int64?, by principal: Principal) async throws -> Lead {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.readable(id, principal, db)
            try await PipelineRecordRules.requireChange(before, principal, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            return try await self.save(input, to: before, principal: principal, now: now, db)
        }
    }

    /// Moves the lead to a stage (a lost stage wants `reasonID`), first saving `changes` — the
    /// board's quick-fill of what the gate asked for. Refused, nothing is saved and the
    /// refusal lists everything in the way.
    public func move(_ id: Int64, to stageID: Int64, reasonID: Int64? = nil, changes: LeadInput? = nil,
                     expectedVersion: Int64?, by principal: Principal) async throws -> Lead {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var lead = try await self.readable(id, principal, db)
            try await PipelineRecordRules.requireChange(lead, principal, db)
            try Access.requireVersion(expectedVersion, current: lead.version)
            if let changes, !changes.isEmpty {
                if changes.pipelineID != nil || changes.stageID != nil {
                    throw RapportError.invalid("changes.stage_id", "not_allowed", "the stage is the move's own stage_id")
                }
                lead = try await self.save(changes, to: lead, principal: principal, now: now, db)
            }
            return try await self.moves.move(lead, to: stageID, reasonID: reasonID, by: principal.userID, now: now, db)
        }
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await env.database.transaction { db in
            let lead = try await self.readable(id, principal, db)
            try Access.require(principal, .delete, .lead, record: try await PipelineRecordRules.ownership(lead, db))
            try Access.requireVersion(expectedVersion, current: lead.version)
            try await self.leads.delete(id: id, on: db)
            try await self.events.record("lead", id, .deleted, changes: PipelineRecordRules.changes(Self.fields(lead), []),
                                         by: principal.userID, on: db)
        }
    }

    // MARK: rules

    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Lead {
        guard let lead = try await leads.find(id: id, on: db) else { throw RapportError.notFound(entity: "lead") }
        try await PipelineRecordRules.requireRead(lead, principal, db)
        return lead
    }

    /// Applies and saves `input` (not the stage), writing the history; the saved lead.
    func save(_ input: LeadInput, to before: Lead, principal: Principal, now: Date, _ db: any SQLDatabase) async throws -> Lead {
        var after = before
        var v = Validator()
        let items = try await apply(input, to: &after, creating: false, principal: principal, db, &v)
        if input.pipelineID != nil || input.stageID != nil {
            v.add(input.stageID != nil ? "stage_id" : "pipeline_id", "not_allowed", "a lead changes stage by a move")
        }
        try v.throwIfInvalid()
        // A title the lead was given from its number follows the name once it is known.
        if input.title == nil, before.title == Self.defaultTitle(before), let title = Self.defaultTitle(after) { after.title = title }
        if after.ownerID != before.ownerID { try await PipelineRecordRules.requireOwner(after.ownerID, .lead, .update, principal, db) }
        after.updatedAt = now
        guard let version = try await leads.update(after, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        after.version = version
        var changes = PipelineRecordRules.changes(Self.fields(before), Self.fields(after))
        if let items {
            let old = try await LineItemStore().items(.lead, recordID: before.id, on: db)
            if old != items {
                try await LineItemStore().replace(.lead, recordID: before.id, with: items, on: db)
                changes.append(FieldChange(field: "line_items", old: old.isEmpty ? nil : String(old.count),
                                           new: items.isEmpty ? nil : String(items.count)))
            }
        }
        if !changes.isEmpty { try await events.record("lead", before.id, .updated, changes: changes, by: principal.userID, on: db) }
        return after
    }

    /// Applies the given fields, each mistake named; the line items when they were given.
    func apply(_ input: LeadInput, to lead: inout Lead, creating: Bool, principal: Principal?, _ db: any SQLDatabase,
               _ v: inout Validator) async throws -> [LineItem]? {
        if let title = input.title {
            let text = title.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty && !creating { v.add("title", "required", "title is required") }
            if text.count > 300 { v.add("title", "too_long", "title must be at most 300 characters") }
            lead.title = text
        }
        if input.firstName != nil { lead.firstName = v.optionalText(input.firstName, field: "first_name", maxLength: 100) }
        if input.middleName != nil { lead.middleName = v.optionalText(input.middleName, field: "middle_name", maxLength: 100) }
        if input.lastName != nil { lead.lastName = v.optionalText(input.lastName, field: "last_name", maxLength: 100) }
        for (field, kind, values) in [("phones", ChannelKind.phone, input.phones), ("emails", ChannelKind.email, input.emails)] {
            guard let values else { continue }
            let given = values.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { ContactChannel(kind: kind, value: $0) }
            var checked = Validator()
            let cleaned = ContactChannel.cleaned(given, field: field, into: &checked)
            for error in checked.errors {
                // `phones[0].value` → `phones[0]`: a lead's channels are sent as plain texts.
                v.add(error.field.replacingOccurrences(of: ".value", with: ""), error.code, error.message)
            }
            lead.channels = lead.channels.filter { $0.kind != kind } + cleaned
        }
        if input.companyName != nil { lead.companyName = v.optionalText(input.companyName, field: "company_name", maxLength: 300) }
        if input.source != nil { lead.source = v.optionalText(input.source, field: "source", maxLength: 100) }
        if input.campaign != nil { lead.campaign = v.optionalText(input.campaign, field: "campaign", maxLength: 300) }
        if input.utmSource != nil { lead.utm.source = v.optionalText(input.utmSource, field: "utm_source", maxLength: 300) }
        if input.utmMedium != nil { lead.utm.medium = v.optionalText(input.utmMedium, field: "utm_medium", maxLength: 300) }
        if input.utmCampaign != nil { lead.utm.campaign = v.optionalText(input.utmCampaign, field: "utm_campaign", maxLength: 300) }
        if input.utmContent != nil { lead.utm.content = v.optionalText(input.utmContent, field: "utm_content", maxLength: 300) }
        if input.utmTerm != nil { lead.utm.term = v.optionalText(input.utmTerm, field: "utm_term", maxLength: 300) }
        if input.topic != nil { lead.topic = v.optionalText(input.topic, field: "topic", maxLength: 300) }
        if input.clientType != nil { lead.clientType = v.optionalText(input.clientType, field: "client_type", maxLength: 100) }
        if input.objectAddress != nil {
            lead.objectAddress = v.optionalText(input.objectAddress, field: "object_address", maxLength: 500)
        }
        if input.comments != nil { lead.comments = v.optionalText(input.comments, field: "comments", maxLength: 20_000) }
        if let currency = PipelineRecordRules.currency(input.currency, &v) { lead.currency = currency }
        if case .some(let amount) = PipelineRecordRules.money(input.amount, currency: lead.currency, field: "amount", &v) {
            lead.amount = amount
        }
        if let owner = input.ownerID {
            if owner <= 0 { v.add("owner_id", "invalid", "owner_id must be a user's id") } else { lead.ownerID = owner }
        }
        let definitions = try await CustomValueChecks.definitions(.lead, on: db)
        try await CustomValueChecks.apply(input.custom, to: &lead.custom, definitions: definitions, creating: creating,
                                          principal: principal, on: db, into: &v)
        guard let inputs = input.lineItems else { return nil }
        let items = PipelineRecordRules.lineItems(inputs, currency: lead.currency, &v)
        // With lines, the amount is theirs.
        if !items.isEmpty { lead.amount = LineAmounts.of(items).total }
        return items
    }

    /// Where a new record starts: the given stage (of the given pipeline), or the first stage
    /// of the given pipeline, or of the entity's first pipeline.
    static func startingPlace(_ entity: PipelineEntity, _ pipelineID: Int64?, _ stageID: Int64?, _ db: any SQLDatabase,
                              _ v: inout Validator) async throws -> (Pipeline, Stage) {
        let store = PipelineStore()
        var pipeline: Pipeline?
        if let stageID {
            pipeline = try await store.find(stageID: stageID, on: db)
            if pipeline?.entity != entity || (pipelineID != nil && pipeline?.id != pipelineID) {
                v.add("stage_id", "not_found", "no stage \(stageID) in this \(entity.rawValue) pipeline")
            }
        } else if let pipelineID {
            pipeline = try await store.find(id: pipelineID, on: db)
            if pipeline?.entity != entity { v.add("pipeline_id", "not_found", "no \(entity.rawValue) pipeline with id \(pipelineID)") }
        } else {
            pipeline = try await store.list(entity: entity, on: db).first
            if pipeline == nil { v.add("pipeline_id", "required", "there is no \(entity.rawValue) pipeline yet; set one up first") }
        }
        guard let pipeline, pipeline.entity == entity, let stage = stageID.flatMap(pipeline.stage) ?? pipeline.firstStage else {
            if pipeline != nil, pipeline?.entity == entity, stageID == nil {
                v.add("pipeline_id", "no_stages", "the pipeline has no open stage")
            }
            try v.throwIfInvalid()
            throw RapportError.invalid("stage_id", "not_found", "no such stage")
        }
        return (pipeline, stage)
    }

    /// The title a lead without one is given: who it is, else how to reach them.
    static func defaultTitle(_ lead: Lead) -> String? {
        lead.clientName ?? lead.companyName ?? lead.phones.first ?? lead.emails.first
    }

    /// What the lead's history shows, in the API's field names.
    static func fields(_ l: Lead) -> [(String, String?)] {
        [("title", l.title), ("first_name", l.firstName), ("middle_name", l.middleName), ("last_name", l.lastName),
         ("phones", l.phones.isEmpty ? nil : l.phones.joined(separator: ", ")),
         ("emails", l.emails.isEmpty ? nil : l.emails.joined(separator: ", ")), ("company_name", l.companyName),
         ("source", l.source), ("campaign", l.campaign), ("utm_source", l.utm.source), ("utm_medium", l.utm.medium),
         ("utm_campaign", l.utm.campaign), ("utm_content", l.utm.content), ("utm_term", l.utm.term), ("topic", l.topic),
         ("client_type", l.clientType), ("object_address", l.objectAddress),
         ("amount", l.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(l.currency)) }), ("currency", l.currency),
         ("comments", l.comments), ("owner_id", String(l.ownerID))] + PipelineRecordRules.customHistory(l.custom)
    }
}
