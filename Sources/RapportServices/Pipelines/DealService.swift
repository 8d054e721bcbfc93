import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Deals (P9's core): a client, an amount computed from line items, an expected close, moved
/// through a deal pipeline by `move` like leads.
public struct DealService: Sendable {
    let env: ServiceEnvironment
    let deals = DealStore()
    let moves: StageMoves
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.moves = StageMoves(env: env)
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    public struct Card: Sendable {
        public var deal: Deal
        public var lineItems: [LineItem]
        public var pipeline: Pipeline
        public var visits: [StageVisit]
    }

    // MARK: reading

    public func get(_ id: Int64, by principal: Principal) async throws -> Card {
        try await env.database.read { db in
            let deal = try await self.readable(id, principal, db)
            return Card(deal: deal, lineItems: try await LineItemStore().items(.deal, recordID: id, on: db),
                        pipeline: try await PipelineStore().find(id: deal.place.pipelineID, on: db)
                            ?? Pipeline(entity: .deal, name: ""),
                        visits: try await StagePlaceStore().visits(.deal, recordID: id, on: db))
        }
    }

    public func list(_ query: PipelineRecordQuery, page: PageRequest, by principal: Principal) async throws -> Page<Deal> {
        try Access.requireAny(principal, .read, .deal)
        return try await env.database.read { db in
            let (ids, next) = try await PipelineListStore().ids(.deal, query, scope: principal.scope(.deal, .read),
                                                                subject: principal.subject, page: page, on: db)
            return Page(items: try await self.deals.find(ids: ids, on: db), nextCursor: next)
        }
    }

    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await env.database.read { db in
            _ = try await self.readable(id, principal, db)
            return try await EventStore().list(.init(entity: "deal", entityID: id), scope: .all, subject: principal.subject,
                                               page: page, on: db)
        }
    }

    // MARK: changing

    public func create(_ input: DealInput, by principal: Principal?) async throws -> Deal {
        if let principal { try Access.requireAny(principal, .create, .deal) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            try await self.insert(input, leadID: nil, by: principal, now: now, db)
        }
    }

    /// `create` on the caller's connection (a conversion makes the deal with the client).
    func insert(_ input: DealInput, leadID: Int64?, by principal: Principal?, now: Date, _ db: any SQLDatabase) async throws
        -> Deal
    {
        guard let ownerID = input.ownerID ?? principal?.userID else {
            throw RapportError.invalid("owner_id", "required", "owner_id is required")
        }
        let settings = try await SettingsStore().get(on: db)
        var deal = Deal(title: "", ownerID: ownerID, currency: settings?.currency ?? "RUB", createdBy: principal?.userID,
                        createdAt: now, updatedAt: now)
        deal.leadID = leadID
        var v = Validator()
        if input.title == nil { v.add("title", "required", "title is required") }
        let items = try await apply(input, to: &deal, creating: true, principal: principal, db, &v)
        let (pipeline, stage) = try await LeadService.startingPlace(.deal, input.pipelineID, input.stageID, db, &v)
        try v.throwIfInvalid()
        try await PipelineRecordRules.requireOwner(deal.ownerID, .deal, .create, principal, db)
        deal.place = StagePlace(pipelineID: pipeline.id, stageID: stage.id, visitID: 0, enteredAt: now)
        deal.id = try await deals.insert(deal, on: db)
        if let items { try await LineItemStore().replace(.deal, recordID: deal.id, with: items, on: db) }
        try await events.record("deal", deal.id, .created, changes: PipelineRecordRules.changes([], Self.fields(deal)),
                                by: principal?.userID, on: db)
        return try await moves.place(deal, in: stage, of: pipeline, by: principal?.userID, now: now, db)
    }

    public func update(_ id: Int64, _ input: DealInput, expectedVersion: Int64?, by principal: Principal) async throws -> Deal {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.readable(id, principal, db)
            try await PipelineRecordRules.requireChange(before, principal, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            return try await self.save(input, to: before, principal: principal, now: now, db)
        }
    }

    /// Moves the deal to a stage (a lost stage wants `reasonID`), first saving `changes`; see `LeadService.move`.
    public func move(_ id: Int64, to stageID: Int64, reasonID: Int64? = nil, changes: DealInput? = nil,
                     expectedVersion: Int64?, by principal: Principal) async throws -> Deal {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var deal = try await self.readable(id, principal, db)
            try await PipelineRecordRules.requireChange(deal, principal, db)
            try Access.requireVersion(expectedVersion, current: deal.version)
            if let changes, !changes.isEmpty {
                if changes.pipelineID != nil || changes.stageID != nil {
                    throw RapportError.invalid("changes.stage_id", "not_allowed", "the stage is the move's own stage_id")
                }
                deal = try await self.save(changes, to: deal, principal: principal, now: now, db)
            }
            return try await self.moves.move(deal, to: stageID, reasonID: reasonID, by: principal.userID, now: now, db)
        }
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await env.database.transaction { db in
            let deal = try await self.readable(id, principal, db)
            try Access.require(principal, .delete, .deal, record: try await PipelineRecordRules.ownership(deal, db))
            try Access.requireVersion(expectedVersion, current: deal.version)
            try await self.deals.delete(id: id, on: db)
            try await self.events.record("deal", id, .deleted, changes: PipelineRecordRules.changes(Self.fields(deal), []),
                                         by: principal.userID, on: db)
        }
    }

    // MARK: rules

    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Deal {
        guard let deal = try await deals.find(id: id, on: db) else { throw RapportError.notFound(entity: "deal") }
        try await PipelineRecordRules.requireRead(deal, principal, db)
        return deal
    }

    func save(_ input: DealInput, to before: Deal, principal: Principal, now: Date, _ db: any SQLDatabase) async throws -> Deal {
        var after = before
        var v = Validator()
        let items = try await apply(input, to: &after, creating: false, principal: principal, db, &v)
        if input.pipelineID != nil || input.stageID != nil {
            v.add(input.stageID != nil ? "stage_id" : "pipeline_id", "not_allowed", "a deal changes stage by a move")
        }
        try v.throwIfInvalid()
        if after.ownerID != before.ownerID { try await PipelineRecordRules.requireOwner(after.ownerID, .deal, .update, principal, db) }
        after.updatedAt = now
        guard let version = try await deals.update(after, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        after.version = version
        var changes = PipelineRecordRules.changes(Self.fields(before), Self.fields(after))
        if let items {
            let old = try await LineItemStore().items(.deal, recordID: before.id, on: db)
            if old != items {
                try await LineItemStore().replace(.deal, recordID: before.id, with: items, on: db)
                changes.append(FieldChange(field: "line_items", old: old.isEmpty ? nil : String(old.count),
                                           new: items.isEmpty ? nil : String(items.count)))
            }
        }
        if !changes.isEmpty { try await events.record("deal", before.id, .updated, changes: changes, by: principal.userID, on: db) }
        return after
    }

    func apply(_ input: DealInput, to deal: inout Deal, creating: Bool, principal: Principal?, _ db: any SQLDatabase,
               _ v: inout Validator) async throws -> [LineItem]? {
        if let title = input.title {
            let text = title.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { v.add("title", "required", "title is required") }
            if text.count > 300 { v.add("title", "too_long", "title must be at most 300 characters") }
            deal.title = text
        }
        if let company = input.companyID {
            if company == 0 { deal.companyID = nil } else if try await readableClient(.company, company, principal, db) {
                deal.companyID = company
            } else { v.add("company_id", "not_found", "no company with id \(company)") }
        }
        if let contact = input.contactID {
            if contact == 0 {
                deal.contactID = nil
                deal.clientChannels = []
            } else if try await readableClient(.contact, contact, principal, db) {
                deal.contactID = contact
                deal.clientChannels = try await ChannelStore().channels(entity: "contact", ids: [contact], on: db)[contact] ?? []
            } else { v.add("contact_id", "not_found", "no contact with id \(contact)") }
        }
        if let currency = PipelineRecordRules.currency(input.currency, &v) { deal.currency = currency }
        if case .some(let amount) = PipelineRecordRules.money(input.amount, currency: deal.currency, field: "amount", &v) {
            deal.amount = amount
        }
        if let text = input.closeDate {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { deal.closeDate = nil } else if let date = CalendarDate(trimmed) { deal.closeDate = date } else {
                v.add("close_date", "invalid", "close_date must be a date such as 2026-12-31")
            }
        }
        if let probability = input.probability {
            if (0...100).contains(probability) { deal.probability = probability } else {
                v.add("probability", "invalid", "probability must be between 0 and 100")
            }
        }
        if let owner = input.ownerID {
            if owner <= 0 { v.add("owner_id", "invalid", "owner_id must be a user's id") } else { deal.ownerID = owner }
        }
        let definitions = try await CustomValueChecks.definitions(.deal, on: db)
        try await CustomValueChecks.apply(input.custom, to: &deal.custom, definitions: definitions, creating: creating,
                                          principal: principal, on: db, into: &v)
        guard let inputs = input.lineItems else { return nil }
        let items = PipelineRecordRules.lineItems(inputs, currency: deal.currency, &v)
        if !items.isEmpty { deal.amount = LineAmounts.of(items).total }
        return items
    }

    /// Whether the client record exists and the principal (if any) may read it.
    func readableClient(_ entity: PermissionEntity, _ id: Int64, _ principal: Principal?, _ db: any SQLDatabase) async throws
        -> Bool
    {
        let ownership = entity == .company
            ? try await CompanyStore().ownership(id: id, on: db) : try await ContactStore().ownership(id: id, on: db)
        guard let ownership else { return false }
        return principal.map { AccessPolicy.allows($0.subject, .read, entity, record: ownership) } ?? true
    }

    static func fields(_ d: Deal) -> [(String, String?)] {
        [("title", d.title), ("company_id", d.companyID.map(String.init)), ("contact_id", d.contactID.map(String.init)),
         ("amount", d.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(d.currency)) }), ("currency", d.currency),
         ("close_date", d.closeDate?.description), ("probability", d.probability.map(String.init)),
         ("owner_id", String(d.ownerID))] + PipelineRecordRules.customHistory(d.custom)
    }
}
