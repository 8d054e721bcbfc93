import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Creating, changing, deleting and listing companies (counterparties).
public struct CompanyService: Sendable {
    let env: ServiceEnvironment
    let companies = CompanyStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> Company {
        try await env.database.read { db in
            guard let ownership = try await self.companies.ownership(id: id, on: db) else {
                throw RapportError.notFound(entity: "company")
            }
            try Access.require(principal, .read, .company, record: ownership)
            guard let company = try await self.companies.find(id: id, on: db) else {
                throw RapportError.notFound(entity: "company")
            }
            return company
        }
    }

    public func list(_ query: ClientQuery, page: PageRequest, by principal: Principal) async throws -> Page<Company> {
        try Access.requireAny(principal, .read, .company)
        let scope = principal.scope(.company, .read)
        return try await env.database.read { db in
            let query = try await CustomValueChecks.resolvedQuery(query, .company, on: db)
            return try await self.companies.list(query, scope: scope, subject: principal.subject, page: page, on: db)
        }
    }

    /// Creates a company; the responsible defaults to the principal (or must be given by the system).
    /// Unless `allowDuplicates`, a company sharing the INN, a phone, an e-mail or the name
    /// with one the principal can see is refused with `possibleDuplicates`.
    public func create(_ input: CompanyInput, allowDuplicates: Bool = false, by principal: Principal?) async throws
        -> Company
    {
        try await env.database.transaction { db in
            try await self.create(input, allowDuplicates: allowDuplicates, by: principal, on: db)
        }
    }

    /// `create` inside the caller's transaction (an import writes many rows in one).
    public func create(_ input: CompanyInput, allowDuplicates: Bool = false, by principal: Principal?,
                       on db: any SQLDatabase) async throws -> Company {
        let new = try await prepare(input, by: principal, on: db)
        if !allowDuplicates {
            try await DuplicateCheck.refuse(DuplicateCheck.probe(new.record), entity: .company, principal: principal, on: db)
        }
        return try await insert(new, by: principal, on: db)
    }

    /// A new company from `input`, checked (fields, custom values, who may be responsible) but
    /// neither compared with others nor saved; reads only.
    func prepare(_ input: CompanyInput, by principal: Principal?, on db: any SQLDatabase) async throws -> NewCompany {
        if let principal { try Access.requireAny(principal, .create, .company) }
        let now = env.clock.now()
        var company = Company(shortName: "", createdAt: now, updatedAt: now, createdBy: principal?.userID)
        company.ownerID = input.ownerID ?? principal?.userID
        let definitions = try await CustomValueChecks.definitions(.company, on: db)
        var v = Validator()
        self.apply(input, to: &company, creating: true, validator: &v)
        try await CustomValueChecks.apply(input.custom, to: &company.custom, definitions: definitions, creating: true,
                                          principal: principal, on: db, into: &v)
        try v.throwIfInvalid()
        guard let owner = company.ownerID else {
            throw RapportError.invalid("owner_id", "required", "owner_id is required")
        }
        let ownership = try await Responsible.ownership(owner, on: db)
        if let principal { try Access.require(principal, .create, .company, record: ownership) }
        return NewCompany(record: company, definitions: definitions)
    }

    /// A prepared company with the custom field definitions it was checked against.
    struct NewCompany {
        var record: Company
        var definitions: [CustomFieldDefinition]
    }

    /// Saves a prepared company with its search rows and its `created` event.
    func insert(_ prepared: NewCompany, by principal: Principal?, on db: any SQLDatabase) async throws -> Company {
        try await insert([prepared], by: principal, on: db)[0]
    }

    /// `insert` for many (an import batch): the rows in a few statements for all.
    func insert(_ records: [NewCompany], by principal: Principal?, on db: any SQLDatabase) async throws -> [Company] {
        let ids = try await self.companies.insert(records.map(\.record), on: db)
        var saved: [Company] = []
        for (new, id) in zip(records, ids) {
            var company = new.record
            company.id = id
            try await SearchIndex.company(company, fresh: true, on: db)
            try await self.events.record("company", id, .created,
                                         changes: ClientChanges.diff(nil, ClientChanges.fields(company, new.definitions)),
                                         by: principal?.userID, on: db)
            saved.append(company)
        }
        return saved
    }

    /// Unless `allowDuplicates`, a change that gives the company another's INN, phone, e-mail or
    /// name (one the principal can see) is refused with `possibleDuplicates`.
    public func update(_ id: Int64, _ input: CompanyInput, expectedVersion: Int64?, allowDuplicates: Bool = false,
                       by principal: Principal) async throws -> Company {
        try await env.database.transaction { db in
            try await self.update(id, input, expectedVersion: expectedVersion, allowDuplicates: allowDuplicates, by: principal,
                                  on: db)
        }
    }

    /// `update` inside the caller's transaction.
    public func update(_ id: Int64, _ input: CompanyInput, expectedVersion: Int64?, allowDuplicates: Bool = false,
                       by principal: Principal, on db: any SQLDatabase) async throws -> Company {
        guard let ownership = try await self.companies.ownership(id: id, on: db),
              let before = try await self.companies.find(id: id, on: db)
        else { throw RapportError.notFound(entity: "company") }
        try Access.require(principal, .update, .company, record: ownership)
        try Access.requireVersion(expectedVersion, current: before.version)
        var after = before
        let definitions = try await CustomValueChecks.definitions(.company, on: db)
        var v = Validator()
        self.apply(input, to: &after, creating: false, validator: &v)
        try await CustomValueChecks.apply(input.custom, to: &after.custom, definitions: definitions, creating: false,
                                          principal: principal, on: db, into: &v)
        try v.throwIfInvalid()
        if let owner = input.ownerID, owner != before.ownerID {
            // Handing over: the new responsible must be someone the principal may give it to.
            try Access.require(principal, .update, .company, record: try await Responsible.ownership(owner, on: db))
        }
        if !allowDuplicates, let probe = DuplicateCheck.probe(changing: before, to: after) {
            try await DuplicateCheck.refuse(probe, entity: .company, principal: principal, on: db)
        }
        after.updatedAt = self.env.clock.now()
        guard let version = try await self.companies.update(after, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        after.version = version
        try await SearchIndex.company(after, on: db)
        let changes = ClientChanges.diff(ClientChanges.fields(before, definitions), ClientChanges.fields(after, definitions))
        if !changes.isEmpty {
            try await self.events.record("company", id, .updated, changes: changes, by: principal.userID, on: db)
        }
        return after
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await env.database.transaction { db in
            guard let ownership = try await self.companies.ownership(id: id, on: db),
                  let company = try await self.companies.find(id: id, on: db)
            else { throw RapportError.notFound(entity: "company") }
            try Access.require(principal, .delete, .company, record: ownership)
            try Access.requireVersion(expectedVersion, current: company.version)
            try await self.companies.delete(id: id, on: db)
            try await SearchIndex.remove("company", id, on: db)
            try await AttachmentService.removeAll(of: "company", id, files: self.env.files, on: db)
            try await self.events.record("company", id, .deleted,
                                         changes: [FieldChange(field: "short_name", old: company.shortName, new: nil)],
                                         by: principal.userID, on: db)
        }
    }

    /// Applies the given fields, naming every bad one.
    func apply(_ input: CompanyInput, to company: inout Company, creating: Bool, validator v: inout Validator) {
        if let kind = v.choice(input.kind, CompanyKind.self, field: "kind") { company.kind = kind }
        if let status = v.choice(input.status, ClientStatus.self, field: "status") { company.status = status }
        if creating || input.shortName != nil {
            company.shortName = v.requireText(input.shortName, field: "short_name", maxLength: 200)
        }
        if let text = input.fullName { company.fullName = v.optionalText(text, field: "full_name", maxLength: 500) }
        if let raw = input.inn {
            let inn = raw.filter { !$0.isWhitespace }
            if inn.isEmpty { company.inn = nil } else if let problem = TaxID.innProblem(inn) {
                v.add("inn", problem.code, problem.message)
            } else { company.inn = inn }
        }
        if let raw = input.kpp {
            let kpp = raw.filter { !$0.isWhitespace }.uppercased()
            if kpp.isEmpty { company.kpp = nil } else if let problem = TaxID.kppCheck(kpp) {
                v.add("kpp", problem.code, problem.message)
            } else { company.kpp = kpp }
        }
        if company.kpp != nil, company.inn?.count != 10, !v.errors.contains(where: { $0.field == "inn" }) {
            v.add("kpp", "needs_inn", "a KPP belongs to an organisation with a 10-digit INN")
        }
        if let text = input.foreignTaxID { company.foreignTaxID = v.optionalText(text, field: "foreign_tax_id", maxLength: 50) }
        if let addresses = input.addresses {
            if addresses.count > 20 { v.add("addresses", "too_many", "at most 20 addresses") }
            company.addresses = addresses.prefix(20).enumerated().compactMap { index, address in
                let kind = v.requireText(address.kind, field: "addresses[\(index)].kind", maxLength: 50)
                let text = v.requireText(address.text, field: "addresses[\(index)].text", maxLength: 500)
                return kind.isEmpty || text.isEmpty ? nil : Address(kind: kind, text: text)
            }
        }
        if let bank = input.bankAccount { company.bankAccount = Self.bankAccount(bank, validator: &v) }
        if let channels = input.channels { company.channels = ContactChannel.cleaned(channels, field: "channels", into: &v) }
        if let text = input.region { company.region = v.optionalText(text, field: "region", maxLength: 100) }
        if let zone = v.zone(input.timeZone, field: "time_zone") { company.timeZone = zone }
        if let reliability = input.reliability {
            company.reliability = reliability.isEmpty ? nil : v.choice(reliability, Reliability.self, field: "reliability")
        }
        if let text = input.clientClass { company.clientClass = v.optionalText(text, field: "client_class", maxLength: 50) }
        if let text = input.priceType { company.priceType = v.optionalText(text, field: "price_type", maxLength: 50) }
        if let text = input.deliveryTerms { company.deliveryTerms = v.optionalText(text, field: "delivery_terms", maxLength: 500) }
        if let days = input.leadTimeDays {
            if (0...3650).contains(days) { company.leadTimeDays = days } else {
                v.add("lead_time_days", "out_of_range", "lead_time_days must be between 0 and 3650")
            }
        }
        if let text = input.advertisingSource {
            company.advertisingSource = v.optionalText(text, field: "advertising_source", maxLength: 100)
        }
        if let date = v.date(input.birthday, field: "birthday") { company.birthday = date }
        if let date = v.date(input.workStartedOn, field: "work_started_on") { company.workStartedOn = date }
        if let owner = input.ownerID { company.ownerID = owner }
    }

    /// A Russian bank account: BIK 9 digits, account and correspondent account 20 digits each.
    static func bankAccount(_ bank: BankAccount, validator v: inout Validator, prefix: String = "bank_account.") -> BankAccount? {
        func digits(_ raw: String?, _ count: Int, _ field: String) -> String? {
            guard let text = raw?.filter({ !$0.isWhitespace }), !text.isEmpty else { return nil }
            guard text.count == count, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                v.add(prefix + field, "invalid", "\(field) must have \(count) digits")
                return nil
            }
            return text
        }
        let result = BankAccount(
            bankName: v.optionalText(bank.bankName, field: prefix + "bank_name", maxLength: 200),
            bik: digits(bank.bik, 9, "bik"), account: digits(bank.account, 20, "account"),
            correspondentAccount: digits(bank.correspondentAccount, 20, "correspondent_account"))
        return result == BankAccount() ? nil : result
    }
}
