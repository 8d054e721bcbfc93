import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Leads (P3): created by people, the API, the import and (later) the channels; changed,
/// moved through the lead pipeline by `move` (the one path every caller takes), closed as
/// junk with a reason, converted into a client and a deal (`convert`).
public struct LeadService: Sendable {
    let env: ServiceEnvironment
    let records: PipelineRecordOperations<LeadKind>
    var moves: StageMoves { records.moves }
    var events: EventRecorder { records.events }

    public init(env: ServiceEnvironment) {
        self.env = env
        self.records = PipelineRecordOperations(env: env, kind: LeadKind())
    }

    public typealias Card = PipelineRecordCard<Lead>

    public func get(_ id: Int64, by principal: Principal) async throws -> Card {
        try await records.card(id, by: principal)
    }

    public func list(_ query: PipelineRecordQuery, page: PageRequest, by principal: Principal) async throws -> Page<Lead> {
        try await records.list(query, page: page, by: principal)
    }

    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await records.history(id, page: page, by: principal)
    }

    /// Creates a lead in the given pipeline and stage (by default the first lead pipeline's
    /// first stage). A stage beyond the first must admit it: its gate applies as to a move.
    /// A nil principal is the system (channels, import).
    public func create(_ input: LeadInput, by principal: Principal?) async throws -> Lead {
        try await env.database.transaction { db in try await self.create(input, by: principal, on: db) }
    }

    /// `create` inside the caller's transaction (an import writes many rows in one). A lead the
    /// system makes (`principal` nil: a call, a form, a message) without a responsible is given
    /// one by the routing rules, and its history says which rule chose whom and why.
    public func create(_ input: LeadInput, by principal: Principal?, on db: any SQLDatabase) async throws -> Lead {
        if let principal { try Access.requireAny(principal, .create, .lead) }
        let now = env.clock.now()
        let ownerID = input.ownerID ?? principal?.userID
        let settings = try await SettingsStore().get(on: db)
        var lead = Lead(title: "", ownerID: ownerID ?? 0, currency: settings?.currency ?? "RUB", createdBy: principal?.userID,
                        createdAt: now, updatedAt: now)
        var v = Validator()
        let items = try await records.kind.apply(input, to: &lead, creating: true, principal: principal, db, &v)
        let (pipeline, stage) = try await PipelineRecordRules.startingPlace(.lead, input.pipelineID, input.stageID,
                                                                            cache: env.pipelineCache, db, &v)
        try v.throwIfInvalid()
        var routed: RoutingService.Routed?
        if ownerID == nil {
            guard let found = try await RoutingService(env: env).route(lead, now: now, db) else {
                throw RapportError.invalid("owner_id", "required", "owner_id is required: no routing rule takes this lead")
            }
            lead.ownerID = found.choice.userID
            routed = found
        }
        if lead.title.isEmpty { lead.title = LeadKind.defaultTitle(lead) ?? (settings?.locale == .ru ? "Новый лид" : "New lead") }
        let made = try await records.insert(lead, items: items, in: stage, of: pipeline, by: principal, now: now,
                                            insert: { try await LeadStore().insert($0, on: db) }, db)
        if let routed { try await RoutingService(env: env).record(routed, lead: made, now: now, db) }
        return made
    }

    /// Gives an open lead to another responsible on the system's behalf (the employee who
    /// answered its call, the next one when a service level is breached); the history says why.
    func reassign(_ id: Int64, to userID: Int64, because reason: String, now: Date, _ db: any SQLDatabase) async throws {
        guard var lead = try await LeadStore().find(id: id, on: db), lead.ownerID != userID, lead.place.closedAt == nil else { return }
        let before = lead
        lead.ownerID = userID
        lead.updatedAt = now
        guard let version = try await LeadStore().update(lead, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        lead.version = version
        let names = try await UserStore().find(ids: [before.ownerID, userID], on: db)
        let name = { (id: Int64) in names.first { $0.id == id }?.displayName ?? "#\(id)" }
        try await records.events.record("lead", id, .updated,
                                        changes: [FieldChange(field: "owner_id", old: String(before.ownerID), new: String(userID)),
                                                  FieldChange(field: "routing", old: nil, new: "\(name(userID)): \(reason)")],
                                        by: nil, on: db)
    }

    public func update(_ id: Int64, _ input: LeadInput, expectedVersion: Int64?, by principal: Principal) async throws -> Lead {
        try await records.update(id, input, expectedVersion: expectedVersion, by: principal)
    }

    /// The final price after the measurement; the preliminary one is kept apart.
    public func setFinalPrice(_ id: Int64, amount: MoneyText?, expectedVersion: Int64?, by principal: Principal) async throws -> Lead {
        try await records.setFinalPrice(id, amount: amount, expectedVersion: expectedVersion, by: principal)
    }

    /// Moves the lead to a stage (a lost stage wants `reasonID`), first saving `changes` — the
    /// board's quick-fill of what the gate asked for. Refused, nothing is saved and the
    /// refusal lists everything in the way.
    public func move(_ id: Int64, to stageID: Int64, reasonID: Int64? = nil, changes: LeadInput? = nil,
                     expectedVersion: Int64?, by principal: Principal) async throws -> Lead {
        try await records.move(id, to: stageID, reasonID: reasonID, changes: changes, expectedVersion: expectedVersion, by: principal)
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await records.delete(id, expectedVersion: expectedVersion, by: principal)
    }

    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Lead {
        try await records.readable(id, principal, db)
    }
}

/// The lead's side of the shared operations: its table, its fields as sent, its history.
struct LeadKind: PipelineRecordKind {
    func find(_ id: Int64, on db: any SQLDatabase) async throws -> Lead? { try await LeadStore().find(id: id, on: db) }
    func findOwned(_ id: Int64, on db: any SQLDatabase) async throws -> (Lead, RecordOwnership)? {
        try await LeadStore().findOwned(id: id, on: db)
    }
    func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Lead] { try await LeadStore().find(ids: ids, on: db) }
    func update(_ record: Lead, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await LeadStore().update(record, expectedVersion: expectedVersion, on: db)
    }
    func delete(_ id: Int64, on db: any SQLDatabase) async throws { try await LeadStore().delete(id: id, on: db) }
    func place(of input: LeadInput) -> (pipelineID: Int64?, stageID: Int64?) { (input.pipelineID, input.stageID) }
    func isEmpty(_ input: LeadInput) -> Bool { input.isEmpty }
    func priceInput(amount: MoneyText, preliminary: MoneyText?) -> LeadInput {
        var input = LeadInput()
        (input.amount, input.preliminaryAmount) = (amount, preliminary)
        return input
    }

    /// A title the lead was given from its number follows the name once it is known.
    func adjust(_ after: inout Lead, before: Lead, input: LeadInput) {
        if input.title == nil, before.title == Self.defaultTitle(before), let title = Self.defaultTitle(after) { after.title = title }
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
        if input.referrer != nil { lead.referrer = v.optionalText(input.referrer, field: "referrer", maxLength: 2000) }
        if input.region != nil { lead.region = v.optionalText(input.region, field: "region", maxLength: 200) }
        if input.language != nil { lead.language = v.optionalText(input.language, field: "language", maxLength: 20)?.lowercased() }
        if input.comments != nil { lead.comments = v.optionalText(input.comments, field: "comments", maxLength: 20_000) }
        if let currency = PipelineRecordRules.currency(input.currency, &v) { lead.currency = currency }
        if case .some(let amount) = PipelineRecordRules.money(input.amount, currency: lead.currency, field: "amount", &v) {
            lead.amount = amount
        }
        if case .some(let amount) = PipelineRecordRules.money(input.preliminaryAmount, currency: lead.currency,
                                                              field: "preliminary_amount", &v) {
            lead.preliminaryAmount = amount
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

    /// The title a lead without one is given: who it is, else how to reach them.
    static func defaultTitle(_ lead: Lead) -> String? {
        lead.clientName ?? lead.companyName ?? lead.phones.first ?? lead.emails.first
    }

    /// What the lead's history shows, in the API's field names.
    func fields(_ l: Lead) -> [(String, String?)] {
        [("title", l.title), ("first_name", l.firstName), ("middle_name", l.middleName), ("last_name", l.lastName),
         ("phones", l.phones.isEmpty ? nil : l.phones.joined(separator: ", ")),
         ("emails", l.emails.isEmpty ? nil : l.emails.joined(separator: ", ")), ("company_name", l.companyName),
         ("source", l.source), ("campaign", l.campaign), ("utm_source", l.utm.source), ("utm_medium", l.utm.medium),
         ("utm_campaign", l.utm.campaign), ("utm_content", l.utm.content), ("utm_term", l.utm.term), ("topic", l.topic),
         ("client_type", l.clientType), ("object_address", l.objectAddress), ("region", l.region), ("language", l.language),
         ("referrer", l.referrer),
         ("amount", l.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(l.currency)) }),
         ("preliminary_amount", l.preliminaryAmount.map { MinorUnits.text($0, digits: MinorUnits.digits(l.currency)) }),
         ("currency", l.currency),
         ("comments", l.comments), ("owner_id", String(l.ownerID))] + PipelineRecordRules.customHistory(l.custom)
    }
}
