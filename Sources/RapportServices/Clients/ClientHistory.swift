import RapportDomain
import RapportStore

/// A client record's timeline: its events and those of records merged into it, newest first.
enum ClientHistory {
    /// The timeline of a record the caller has read.
    static func events(of record: ReadableRecord, page: PageRequest, by principal: Principal,
                              _ database: Database) async throws -> Page<Event> {
        try await database.read { db in
            let entity = record.entity.rawValue
            let ids = try await MergeStore().historyIDs(entity: entity, id: record.id, on: db)
            return try await EventStore().list(.init(entity: entity, entityIDs: ids), scope: .all,
                                               subject: principal.subject, page: page, on: db)
        }
    }
}

extension CompanyService {
    /// The company's timeline: its events and those of records merged into it, newest first,
    /// for anyone who may read it.
    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await history(of: ReadableRecord(try await get(id, by: principal)), page: page, by: principal)
    }

    /// The timeline of a company the caller has read.
    public func history(of record: ReadableRecord, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await ClientHistory.events(of: record, page: page, by: principal, env.database)
    }
}

extension ContactService {
    /// The contact's timeline: its events and those of records merged into it, newest first,
    /// for anyone who may read it.
    public func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await history(of: ReadableRecord(try await get(id, by: principal).contact), page: page, by: principal)
    }

    /// The timeline of a contact the caller has read.
    public func history(of record: ReadableRecord, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await ClientHistory.events(of: record, page: page, by: principal, env.database)
    }

    /// The names of the companies of `contacts` that the principal may read, by contact id.
    public func companyNames(of contacts: [Contact], by principal: Principal) async throws -> [Int64: [String]] {
        try await env.database.read { db in
            try await self.contacts.companyNames(contactIDs: contacts.map(\.id), scope: principal.scope(.company, .read),
                                                 subject: principal.subject, on: db)
        }
    }

    /// The people of a company the principal may read, each with their role there.
    public func people(ofCompany companyID: Int64, by principal: Principal) async throws
        -> [(contact: Contact, role: String?)]
    {
        let contacts = try await list(.init(companyID: companyID), page: .init(limit: PageRequest.maxLimit), by: principal)
        let roles = try await env.database.read { db in
            Dictionary(uniqueKeysWithValues: try await self.contacts.links(companyID: companyID, on: db)
                .map { ($0.contactID, $0.role) })
        }
        return contacts.items.map { ($0, roles[$0.id] ?? nil) }
    }
}
