import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Fills the database with many believable clients for load tests: companies and contacts
/// with Russian and English names, valid INNs, phones and e-mails, custom values, links, and
/// the rows the services keep beside each record (channels, search text, similar-name keys, a
/// `created` event). Written in large batches with explicit ids; run it on a database no
/// one else writes to at the time.
public struct ClientGenerator: Sendable {
    let env: ServiceEnvironment
    let batch = 1000

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    static let englishFirst = ["James", "Emma", "Oliver", "Sophia", "William", "Ava", "Henry", "Mia", "Lucas", "Amelia",
                               "Jack", "Grace", "Thomas", "Chloe", "Daniel", "Lily"]
    static let englishLast = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Walker", "Wright",
                              "Robinson", "Thompson", "White", "Hughes", "Green", "Hall", "Wood"]
    static let englishSuffixes = ["Works", "Studio", "Group", "Trade", "Supply", "Partners"]
    static let styles = ["Современный", "Классика", "Лофт", "Скандинавский"]
    static let ways = ["Звонок", "WhatsApp", "Telegram", "E-mail"]

    public struct Summary: Sendable {
        public var companies: Int
        public var contacts: Int
        public var seconds: Double
    }

    /// Adds `companies` companies and `contacts` contacts; `progress` is told the running totals.
    public func fill(companies: Int, contacts: Int, progress: @Sendable (String) -> Void = { _ in }) async throws -> Summary {
        try await Database.allowingLongOperations {
            try await self.generate(companies: companies, contacts: contacts, progress: progress)
        }
    }

    func generate(companies: Int, contacts: Int, progress: @Sendable (String) -> Void) async throws -> Summary {
        let started = Date()
        try await DemoService(env: env).ensureCustomFields()
        let (owners, companyFields, contactFields, firstCompany, firstContact, firstEvent) = try await env.database.read { db in
            let users = try await db.raw("SELECT id FROM users WHERE is_active = \(bind: true) ORDER BY id").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
            let definitions = try await CustomFieldStore().list(entity: nil, includeArchived: false, on: db)
            func next(_ table: String) async throws -> Int64 {
                try await db.raw("SELECT COALESCE(MAX(id), 0) AS id FROM \(unsafeRaw: table)").first()!
                    .decode(column: "id", as: Int64.self) + 1
            }
            return (users, definitions.filter { $0.entity == .company }, definitions.filter { $0.entity == .contact },
                    try await next("companies"), try await next("contacts"), try await next("events"))
        }
        guard !owners.isEmpty else { throw RapportError.conflict("no active users: run `rapport demo` first") }
        var random = DemoClients(seed: UInt64(firstCompany &* 31 &+ firstContact))
        var eventID = firstEvent
        let now = env.clock.now().millis
        let styleCodes = companyFields.first { $0.code == "kitchen_style" }?.options.map(\.code) ?? []
        let wayCodes = contactFields.first { $0.code == "preferred_contact" }?.options.map(\.code) ?? []

        var done = 0
        while done < companies {
            let count = min(batch, companies - done)
            var records: [Company] = []
            for offset in 0..<count {
                let id = firstCompany + Int64(done + offset)
                let english = offset % 7 == 0
                let name = english
                    ? NameVariety.englishBrand(words: Self.englishSuffixes, using: &random.rng)
                    : NameVariety.brand(using: &random.rng)
                var company = Company(id: id, kind: offset % 5 == 0 ? .dealer : .client, status: offset % 3 == 0 ? .active : .prospect,
                                      shortName: name, fullName: english ? "\(name) LLC" : "ООО «\(name)»",
                                      inn: random.inn(),
                                      channels: Self.normalized([ContactChannel(kind: .phone, type: "work", value: random.phone()),
                                                                 ContactChannel(kind: .email, value: "office\(id)@company.example")]),
                                      region: random.pick(DemoClients.regions), timeZone: "Europe/Moscow",
                                      ownerID: random.pick(owners), createdAt: Date(millis: now), updatedAt: Date(millis: now))
                if offset % 4 != 3, !styleCodes.isEmpty {
                    company.custom = ["budget": .integer(Int64(100_000 + random.int(0..<2_000_000)) * 100),
                                      "kitchen_style": .text(random.pick(styleCodes))]
                }
                records.append(company)
            }
            try await env.database.transaction { [records, eventID] db in
                try await self.writeCompanies(records, firstEvent: eventID, on: db)
            }
            eventID += Int64(count)
            done += count
            if done % 20_000 == 0 || done == companies { progress("companies: \(done)/\(companies)") }
        }

        let lastCompany = firstCompany + Int64(companies) - 1
        done = 0
        while done < contacts {
            let count = min(batch, contacts - done)
            var records: [(Contact, Int64?)] = []
            for offset in 0..<count {
                let id = firstContact + Int64(done + offset)
                var person: (first: String, middle: String?, last: String)
                if offset % 6 == 0 {
                    person = (random.pick(Self.englishFirst), nil,
                              NameVariety.englishSurname(common: Self.englishLast, using: &random.rng))
                } else {
                    let russian = NameVariety.person(using: &random.rng)
                    person = (russian.first, russian.middle, russian.last)
                }
                var contact = Contact(id: id, firstName: person.first, middleName: person.middle, lastName: person.last,
                                      position: offset % 3 == 0 ? random.pick(DemoClients.roles) : nil,
                                      // One person in seven is known by e-mail only, as in a real base.
                                      channels: Self.normalized(
                                          (offset % 7 == 3 ? [] : [ContactChannel(kind: .phone, type: "mobile", value: random.phone())])
                                              + [ContactChannel(kind: .email, value: "person\(id)@mail.example")]),
                                      timeZone: offset % 10 == 0 ? "Asia/Yekaterinburg" : "Europe/Moscow",
                                      region: random.pick(DemoClients.regions), ownerID: random.pick(owners),
                                      createdAt: Date(millis: now), updatedAt: Date(millis: now))
                if !wayCodes.isEmpty {
                    contact.custom = ["preferred_contact": .list([random.pick(wayCodes)]), "decision_maker": .bool(offset % 3 == 0)]
                }
                let company: Int64? = companies > 0 && offset % 4 != 0
                    ? firstCompany + Int64(random.int(0..<companies)) : nil
                records.append((contact, company.map { min($0, lastCompany) }))
            }
            try await env.database.transaction { [records, eventID] db in
                try await self.writeContacts(records, firstEvent: eventID, on: db)
            }
            eventID += Int64(count)
            done += count
            if done % 50_000 == 0 || done == contacts { progress("contacts: \(done)/\(contacts)") }
        }
        try await env.database.transaction { db in
            guard db.dialect.name != "sqlite" else { return }
            for table in ["companies", "contacts", "events"] {
                try await db.raw("""
                    SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'), (SELECT MAX(id) FROM \(unsafeRaw: table)))
                    """).run()
            }
        }
        progress("refreshing the query planner's statistics")
        try await env.database.refreshStatistics(full: true)
        return Summary(companies: companies, contacts: contacts, seconds: Date().timeIntervalSince(started))
    }

    /// Channels as the services store them: phones in E.164 and e-mails in lower case beside
    /// the typed value, so duplicate control and search find generated clients like any other.
    static func normalized(_ channels: [ContactChannel]) -> [ContactChannel] {
        var validator = Validator()
        return ContactChannel.cleaned(channels, field: "channels", into: &validator)
    }

    func writeCompanies(_ records: [Company], firstEvent: Int64, on db: any SQLDatabase) async throws {
        try await BulkInsert(table: "companies", columns: [
            "id", "kind", "status", "short_name", "full_name", "inn", "addresses", "region", "time_zone", "name_key",
            "match_key", "created_at", "updated_at", "owner_id", "version", "custom",
        ], jsonColumns: ["custom"]).run(records.map { c in
            [c.id, c.kind.rawValue, c.status.rawValue, c.shortName, c.fullName, c.inn, "[]", c.region, c.timeZone,
             CompanyStore.nameKey(c), CompanyStore.matchKey(c), c.createdAt.millis, c.updatedAt.millis, c.ownerID,
             Int64(1), JSONText.encode(c.custom)]
        }, on: db)
        try await writeShared(records.map { ($0.id, $0.channels,
                                             SearchText.body([$0.shortName, $0.fullName, $0.inn, $0.region]
                                                 + $0.channels.filter { $0.kind != .phone }.map { $0.normalized ?? $0.value },
                                                 phones: $0.channels.filter { $0.kind == .phone }.map { $0.normalized ?? $0.value }),
                                             CompanyStore.matchKey($0), CompanyStore.nameKey($0), $0.shortName, $0.ownerID) },
                              entity: "company", firstEvent: firstEvent, on: db)
    }

    func writeContacts(_ records: [(Contact, Int64?)], firstEvent: Int64, on db: any SQLDatabase) async throws {
        try await BulkInsert(table: "contacts", columns: [
            "id", "first_name", "middle_name", "last_name", "position", "time_zone", "region", "name_key", "match_key",
            "has_phone", "created_at", "updated_at", "owner_id", "version", "custom",
        ], jsonColumns: ["custom"]).run(records.map { c, _ in
            [c.id, c.firstName, c.middleName, c.lastName, c.position, c.timeZone, c.region, ContactStore.nameKey(c),
             ContactStore.matchKey(c), ContactStore.hasPhone(c), c.createdAt.millis, c.updatedAt.millis, c.ownerID, Int64(1),
             JSONText.encode(c.custom)]
        }, on: db)
        // People without a phone are also found by their names' variants (migration 22).
        try await ContactStore.writeVariants(records.map { ($0.0.id, $0.0) }, on: db)
        let links = records.compactMap { c, company in company.map { [$0, c.id] as [any Encodable & Sendable] } }
        if !links.isEmpty {
            try await BulkInsert(table: "company_contacts", columns: ["company_id", "contact_id"]).run(links, on: db)
        }
        try await writeShared(records.map { c, _ in
            (c.id, c.channels,
             SearchText.body([c.lastName, c.firstName, c.middleName, c.position, c.region]
                 + c.channels.filter { $0.kind != .phone }.map { $0.normalized ?? $0.value },
                 phones: c.channels.filter { $0.kind == .phone }.map { $0.normalized ?? $0.value }),
             ContactStore.matchKey(c), ContactStore.nameKey(c), c.displayName, c.ownerID)
        }, entity: "contact", firstEvent: firstEvent, on: db)
    }

    /// Channels, search text, similar-name keys and the `created` event of each record.
    func writeShared(_ records: [(id: Int64, channels: [ContactChannel], body: String, matchKey: String?, nameKey: String,
                                  name: String, owner: Int64?)],
                     entity: String, firstEvent: Int64, on db: any SQLDatabase) async throws {
        try await ChannelStore().insert(records.map { ($0.id, $0.channels) }, entity: entity, on: db)
        if db.dialect.name == "sqlite" {
            // FTS5 rows are found by their rowid (`FTSRowID`).
            try await BulkInsert(table: "client_search", columns: ["rowid", "entity", "entity_id", "body"])
                .run(records.map { [FTSRowID.make(entity: entity, id: $0.id), entity, $0.id, $0.body] }, on: db)
            try await BulkInsert(table: "client_names", columns: ["rowid", "entity", "entity_id", "match_key", "name_key"])
                .run(records.map { [FTSRowID.make(entity: entity, id: $0.id), entity, $0.id, $0.matchKey ?? "", $0.nameKey] },
                     on: db)
        } else {
            try await BulkInsert(table: "client_search", columns: ["entity", "entity_id", "body"])
                .run(records.map { [entity, $0.id, $0.body] }, on: db)
        }
        let now = env.clock.now().millis
        try await BulkInsert(table: "events", columns: [
            "id", "occurred_at", "actor_id", "entity", "entity_id", "action", "changes", "owner_id",
        ]).run(records.enumerated().map { index, record in
            let changes = [FieldChange(field: entity == "company" ? "short_name" : "name", old: nil, new: record.name)]
            return [firstEvent + Int64(index), now, Int64?.none, entity, record.id, EventAction.created.rawValue,
                    JSONText.encode(changes),
                    Int64?.none]
        }, on: db)
    }
}
