import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Creating, changing, deleting and listing contacts, and their links to companies.
public struct ContactService: Sendable {
    let env: ServiceEnvironment
    let contacts = ContactStore()
    let companies = CompanyStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A contact with the companies it belongs to.
    public struct Card: Sendable, Equatable {
        public var contact: Contact
        public var links: [CompanyLink]
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> Card {
        try await env.database.read { db in
            guard let ownership = try await self.contacts.ownership(id: id, on: db),
                  let contact = try await self.contacts.find(id: id, on: db)
            else { throw RapportError.notFound(entity: "contact") }
            try Access.require(principal, .read, .contact, record: ownership)
            return Card(contact: contact, links: try await self.contacts.links(contactID: id, on: db))
        }
    }

    public func list(_ query: ClientQuery, page: PageRequest, by principal: Principal) async throws -> Page<Contact> {
        try Access.requireAny(principal, .read, .contact)
        let scope = principal.scope(.contact, .read)
        return try await env.database.read { db in
            let query = try await CustomValueChecks.resolvedQuery(query, .contact, on: db)
            return try await self.contacts.list(query, scope: scope, subject: principal.subject, page: page, on: db)
        }
    }

    /// Creates a contact; unless `allowDuplicates`, one sharing a phone, an e-mail or the last
    /// and first name with a contact the principal can see is refused with `possibleDuplicates`.
    public func create(_ input: ContactInput, allowDuplicates: Bool = false, by principal: Principal?) async throws
        -> Card
    {
        try await env.database.transaction { db in
            try await self.create(input, allowDuplicates: allowDuplicates, by: principal, on: db)
        }
    }

    /// `create` inside the caller's transaction (an import writes many rows in one).
    public func create(_ input: ContactInput, allowDuplicates: Bool = false, by principal: Principal?,
                       on db: any SQLDatabase) async throws -> Card {
        let new = try await prepare(input, by: principal, on: db)
        if !allowDuplicates {
            try await DuplicateCheck.refuse(DuplicateCheck.probe(new.record), entity: .contact, principal: principal, on: db)
        }
        return try await insert(new, links: input.companies ?? [], by: principal, on: db)
    }

    /// A new contact from `input`, checked (fields, custom values, who may be responsible) but
    /// neither compared with others nor saved; reads only.
    func prepare(_ input: ContactInput, by principal: Principal?, on db: any SQLDatabase) async throws -> NewContact {
        if let principal { try Access.requireAny(principal, .create, .contact) }
        let now = env.clock.now()
        var contact = Contact(firstName: "", createdAt: now, updatedAt: now, createdBy: principal?.userID)
        contact.ownerID = input.ownerID ?? principal?.userID
        let definitions = try await CustomValueChecks.definitions(.contact, on: db)
        var v = Validator()
        self.apply(input, to: &contact, creating: true, validator: &v)
        try await CustomValueChecks.apply(input.custom, to: &contact.custom, definitions: definitions, creating: true,
                                          principal: principal, on: db, into: &v)
        try v.throwIfInvalid()
        guard let owner = contact.ownerID else {
            throw RapportError.invalid("owner_id", "required", "owner_id is required")
        }
        let ownership = try await Responsible.ownership(owner, on: db)
        if let principal { try Access.require(principal, .create, .contact, record: ownership) }
        return NewContact(record: contact, definitions: definitions)
    }

    /// A prepared contact with the custom field definitions it was checked against.
    struct NewContact {
        var record: Contact
        var definitions: [CustomFieldDefinition]
    }

    /// Saves a prepared contact with its search rows, its `created` event and its companies.
    func insert(_ prepared: NewContact, links: [ContactInput.LinkInput], by principal: Principal?,
                on db: any SQLDatabase) async throws -> Card {
        try await insert([(prepared, links)], by: principal, on: db)[0]
    }

    /// `insert` for many (an import batch): the rows in a few statements for all.
    func insert(_ records: [(new: NewContact, links: [ContactInput.LinkInput])], by principal: Principal?,
                on db: any SQLDatabase) async throws -> [Card] {
        let ids = try await self.contacts.insert(records.map(\.new.record), on: db)
        var cards: [Card] = []
        for ((new, links), id) in zip(records, ids) {
            var contact = new.record
            contact.id = id
            try await SearchIndex.contact(contact, fresh: true, on: db)
            try await self.events.record("contact", id, .created,
                                         changes: ClientChanges.diff(nil, ClientChanges.fields(contact, new.definitions)),
                                         by: principal?.userID, on: db)
            // A new person has no links yet: only given ones need writing.
            let written = links.isEmpty ? [] : try await self.replaceLinks(links, of: id, by: principal, on: db)
            cards.append(Card(contact: contact, links: written))
        }
        return cards
    }

    /// Unless `allowDuplicates`, a change that gives the contact another's INN, phone, e-mail or
    /// name (one the principal can see) is refused with `possibleDuplicates`.
    public func update(_ id: Int64, _ input: ContactInput, expectedVersion: Int64?, allowDuplicates: Bool = false,
                       by principal: Principal) async throws -> Card {
        try await env.database.transaction { db in
            try await self.update(id, input, expectedVersion: expectedVersion, allowDuplicates: allowDuplicates, by: principal,
                                  on: db)
        }
    }

    /// `update` inside the caller's transaction.
    public func update(_ id: Int64, _ input: ContactInput, expectedVersion: Int64?, allowDuplicates: Bool = false,
                       by principal: Principal, on db: any SQLDatabase) async throws -> Card {
        guard let ownership = try await self.contacts.ownership(id: id, on: db),
              let before = try await self.contacts.find(id: id, on: db)
        else { throw RapportError.notFound(entity: "contact") }
        try Access.require(principal, .update, .contact, record: ownership)
        try Access.requireVersion(expectedVersion, current: before.version)
        var after = before
        let definitions = try await CustomValueChecks.definitions(.contact, on: db)
        var v = Validator()
        self.apply(input, to: &after, creating: false, validator: &v)
        try await CustomValueChecks.apply(input.custom, to: &after.custom, definitions: definitions, creating: false,
                                          principal: principal, on: db, into: &v)
        try v.throwIfInvalid()
        if let owner = input.ownerID, owner != before.ownerID {
            try Access.require(principal, .update, .contact, record: try await Responsible.ownership(owner, on: db))
        }
        if !allowDuplicates, let probe = DuplicateCheck.probe(changing: before, to: after) {
            try await DuplicateCheck.refuse(probe, entity: .contact, principal: principal, on: db)
        }
        after.updatedAt = self.env.clock.now()
        guard let version = try await self.contacts.update(after, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        after.version = version
        try await SearchIndex.contact(after, on: db)
        let changes = ClientChanges.diff(ClientChanges.fields(before, definitions), ClientChanges.fields(after, definitions))
        if !changes.isEmpty {
            try await self.events.record("contact", id, .updated, changes: changes, by: principal.userID, on: db)
        }
        let links = if let companies = input.companies {
            try await self.replaceLinks(companies, of: id, by: principal, on: db)
        } else {
            try await self.contacts.links(contactID: id, on: db)
        }
        return Card(contact: after, links: links)
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await env.database.transaction { db in
            guard let ownership = try await self.contacts.ownership(id: id, on: db),
                  let contact = try await self.contacts.find(id: id, on: db)
            else { throw RapportError.notFound(entity: "contact") }
            try Access.require(principal, .delete, .contact, record: ownership)
            try Access.requireVersion(expectedVersion, current: contact.version)
            try await self.contacts.delete(id: id, on: db)
            try await SearchIndex.remove("contact", id, on: db)
            try await AttachmentService.removeAll(of: "contact", id, files: self.env.files, on: db)
            try await self.events.record("contact", id, .deleted,
                                         changes: [FieldChange(field: "name", old: contact.displayName, new: nil)],
                                         by: principal.userID, on: db)
        }
    }

    /// Sets the contact's companies to exactly `links`; each company must exist and be one
    /// the principal may read. Link changes are events on the contact.
    func replaceLinks(_ links: [ContactInput.LinkInput], of contactID: Int64, by principal: Principal?,
                      on db: any SQLDatabase) async throws -> [CompanyLink] {
        var v = Validator()
        if links.count > 100 { v.add("companies", "too_many", "at most 100 companies") }
        if Set(links.map(\.companyID)).count != links.count {
            v.add("companies", "duplicate", "a company is listed twice")
        }
        var wanted: [CompanyLink] = []
        for (index, link) in links.prefix(100).enumerated() {
            let role = v.optionalText(link.role, field: "companies[\(index)].role", maxLength: 100)
            let visible: Bool
            if let ownership = try await companies.ownership(id: link.companyID, on: db) {
                visible = principal.map { AccessPolicy.allows($0.subject, .read, .company, record: ownership) } ?? true
            } else {
                visible = false
            }
            if !visible {
                v.add("companies[\(index)].company_id", "not_found", "no company with id \(link.companyID)")
            }
            wanted.append(CompanyLink(companyID: link.companyID, contactID: contactID, role: role))
        }
        try v.throwIfInvalid()
        let current = try await contacts.links(contactID: contactID, on: db)
        guard current != wanted.sorted(by: { $0.companyID < $1.companyID }) else { return current }
        for link in current where !wanted.contains(where: { $0.companyID == link.companyID }) {
            try await contacts.unlink(companyID: link.companyID, contactID: contactID, on: db)
        }
        for link in wanted { try await contacts.link(link, on: db) }
        let after = try await contacts.links(contactID: contactID, on: db)
        // The history names the companies as they were called then.
        var names: [Int64: String] = [:]
        for id in Set((current + after).map(\.companyID)) {
            names[id] = try await companies.find(id: id, on: db)?.shortName ?? "#\(id)"
        }
        let describe: ([CompanyLink]) -> String = { list in
            list.map { "\(names[$0.companyID] ?? "#\($0.companyID)")\($0.role.map { " (\($0))" } ?? "")" }
                .joined(separator: "; ")
        }
        try await events.record("contact", contactID, .updated,
                                changes: [FieldChange(field: "companies", old: describe(current).nilIfEmpty,
                                                      new: describe(after).nilIfEmpty)],
                                by: principal?.userID, on: db)
        return after
    }

    func apply(_ input: ContactInput, to contact: inout Contact, creating: Bool, validator v: inout Validator) {
        if creating || input.firstName != nil {
            contact.firstName = v.requireText(input.firstName, field: "first_name", maxLength: 100)
        }
        if let text = input.middleName { contact.middleName = v.optionalText(text, field: "middle_name", maxLength: 100) }
        if let text = input.lastName { contact.lastName = v.optionalText(text, field: "last_name", maxLength: 100) }
        if let text = input.position { contact.position = v.optionalText(text, field: "position", maxLength: 200) }
        if let channels = input.channels { contact.channels = ContactChannel.cleaned(channels, field: "channels", into: &v) }
        if let date = v.date(input.birthday, field: "birthday") { contact.birthday = date }
        if let zone = v.zone(input.timeZone, field: "time_zone") { contact.timeZone = zone }
        if let text = input.region { contact.region = v.optionalText(text, field: "region", maxLength: 100) }
        if let owner = input.ownerID { contact.ownerID = owner }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
