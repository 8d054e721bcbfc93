import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Deals (P9's core): a client, an amount computed from line items, an expected close, moved
/// through a deal pipeline by `move` like leads.
public struct DealService: Sendable {
    let env: ServiceEnvironment
    let records: PipelineRecordOperations<DealKind>

    public init(env: ServiceEnvironment) {
        self.env = env
        self.records = PipelineRecordOperations(env: env, kind: DealKind())
    }

    public typealias Card = PipelineRecordCard<Deal>

    public func get(_ id: Int64, by principal: Principal) async throws -> Card {
        try await records.card(id, by: principal)
    }

    public func list(_ query: PipelineRecordQuery, page: PageRequest, by principal: Principal) async throws -> Page<Deal> {
        try await records.list(query, page: page, by: principal)
    }

    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await records.history(id, page: page, by: principal)
    }

    public func create(_ input: DealInput, by principal: Principal?) async throws -> Deal {
        try await env.database.transaction { db in try await self.create(input, by: principal, on: db) }
    }

    /// `create` inside the caller's transaction (an import writes many rows in one).
    func create(_ input: DealInput, by principal: Principal?, on db: any SQLDatabase) async throws -> Deal {
        if let principal { try Access.requireAny(principal, .create, .deal) }
        return try await insert(input, leadID: nil, by: principal, now: env.clock.now(), db)
    }

    /// A deal out of an interaction that showed one (a call that became an order): about the
    /// same client (the company or person it is linked to, else the first person taking part),
    /// titled by its subject, in the first deal pipeline's first stage; the interaction's
    /// history says so.
    public func create(fromInteraction id: Int64, by principal: Principal) async throws -> Deal {
        let interaction = try await InteractionService(env: env).get(id, by: principal).interaction
        var input = DealInput()
        input.title = interaction.subject
        switch interaction.link?.entity {
        case "company"?: input.companyID = interaction.link?.id
        case "contact"?: input.contactID = interaction.link?.id
        default: break
        }
        if input.contactID == nil {
            input.contactID = interaction.participants.first { $0.kind == .contact && $0.refID != nil }?.refID
        }
        let now = env.clock.now()
        return try await env.database.transaction { [input] db in
            try Access.requireAny(principal, .create, .deal)
            let deal = try await self.insert(input, leadID: nil, by: principal, now: now, db)
            try await self.records.events.record("interaction", id, .updated,
                                                 changes: [FieldChange(field: "deal", old: nil, new: deal.title)],
                                                 by: principal.userID, on: db)
            return deal
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
        let items = try await records.kind.apply(input, to: &deal, creating: true, principal: principal, db, &v)
        let (pipeline, stage) = try await PipelineRecordRules.startingPlace(.deal, input.pipelineID, input.stageID,
                                                                            cache: env.pipelineCache, db, &v)
        try v.throwIfInvalid()
        return try await records.insert(deal, items: items, in: stage, of: pipeline, by: principal, now: now,
                                        insert: { try await DealStore().insert($0, on: db) }, db)
    }

    public func update(_ id: Int64, _ input: DealInput, expectedVersion: Int64?, by principal: Principal) async throws -> Deal {
        try await records.update(id, input, expectedVersion: expectedVersion, by: principal)
    }

    /// The final price after the measurement; the preliminary one is kept apart.
    public func setFinalPrice(_ id: Int64, amount: MoneyText?, expectedVersion: Int64?, by principal: Principal) async throws -> Deal {
        try await records.setFinalPrice(id, amount: amount, expectedVersion: expectedVersion, by: principal)
    }

    /// Moves the deal to a stage (a lost stage wants `reasonID`), first saving `changes`; see `LeadService.move`.
    public func move(_ id: Int64, to stageID: Int64, reasonID: Int64? = nil, changes: DealInput? = nil,
                     expectedVersion: Int64?, by principal: Principal) async throws -> Deal {
        try await records.move(id, to: stageID, reasonID: reasonID, changes: changes, expectedVersion: expectedVersion, by: principal)
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await records.delete(id, expectedVersion: expectedVersion, by: principal)
    }

    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Deal {
        try await records.readable(id, principal, db)
    }
}

/// The deal's side of the shared operations: its table, its fields as sent, its history.
struct DealKind: PipelineRecordKind {
    func find(_ id: Int64, on db: any SQLDatabase) async throws -> Deal? { try await DealStore().find(id: id, on: db) }
    func findOwned(_ id: Int64, on db: any SQLDatabase) async throws -> (Deal, RecordOwnership)? {
        try await DealStore().findOwned(id: id, on: db)
    }
    func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Deal] { try await DealStore().find(ids: ids, on: db) }
    func update(_ record: Deal, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await DealStore().update(record, expectedVersion: expectedVersion, on: db)
    }
    func delete(_ id: Int64, on db: any SQLDatabase) async throws { try await DealStore().delete(id: id, on: db) }
    func place(of input: DealInput) -> (pipelineID: Int64?, stageID: Int64?) { (input.pipelineID, input.stageID) }
    func isEmpty(_ input: DealInput) -> Bool { input.isEmpty }
    func priceInput(amount: MoneyText, preliminary: MoneyText?) -> DealInput {
        var input = DealInput()
        (input.amount, input.preliminaryAmount) = (amount, preliminary)
        return input
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
            if company == 0 { deal.companyID = nil } else if try await Self.readableClient(.company, company, principal, db) {
                deal.companyID = company
            } else { v.add("company_id", "not_found", "no company with id \(company)") }
        }
        if let contact = input.contactID {
            if contact == 0 {
                deal.contactID = nil
                deal.clientChannels = []
            } else if try await Self.readableClient(.contact, contact, principal, db) {
                deal.contactID = contact
                deal.clientChannels = try await ChannelStore().channels(entity: "contact", ids: [contact], on: db)[contact] ?? []
            } else { v.add("contact_id", "not_found", "no contact with id \(contact)") }
        }
        if let currency = PipelineRecordRules.currency(input.currency, &v) { deal.currency = currency }
        if case .some(let amount) = PipelineRecordRules.money(input.amount, currency: deal.currency, field: "amount", &v) {
            deal.amount = amount
        }
        if case .some(let amount) = PipelineRecordRules.money(input.preliminaryAmount, currency: deal.currency,
                                                              field: "preliminary_amount", &v) {
            deal.preliminaryAmount = amount
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
    static func readableClient(_ entity: PermissionEntity, _ id: Int64, _ principal: Principal?, _ db: any SQLDatabase) async throws
        -> Bool
    {
        let ownership = entity == .company
            ? try await CompanyStore().ownership(id: id, on: db) : try await ContactStore().ownership(id: id, on: db)
        guard let ownership else { return false }
        return principal.map { AccessPolicy.allows($0.subject, .read, entity, record: ownership) } ?? true
    }

    func fields(_ d: Deal) -> [(String, String?)] {
        [("title", d.title), ("company_id", d.companyID.map(String.init)), ("contact_id", d.contactID.map(String.init)),
         ("amount", d.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(d.currency)) }),
         ("preliminary_amount", d.preliminaryAmount.map { MinorUnits.text($0, digits: MinorUnits.digits(d.currency)) }),
         ("currency", d.currency),
         ("close_date", d.closeDate?.description), ("probability", d.probability.map(String.init)),
         ("owner_id", String(d.ownerID))] + PipelineRecordRules.customHistory(d.custom)
    }
}
