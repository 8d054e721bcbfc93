import Foundation
import RapportDomain
import SQLKit

/// Contacts (people), their channels and their places at companies.
public struct ContactStore: Sendable {
    public init() {}

    static let entity = "contact"
    static let columns = """
        contacts.id, contacts.first_name, contacts.middle_name, contacts.last_name, contacts.position, contacts.birthday,
        contacts.time_zone, contacts.region, contacts.created_at, contacts.updated_at, contacts.created_by,
        contacts.owner_id, contacts.version, contacts.custom
        """

    public static func nameKey(_ c: Contact) -> String { NameKey.make(c.lastName, c.firstName, c.middleName) }

    /// A person's name for duplicate control: last and first name only (a middle name is often
    /// left out), and only when both are known.
    public static func matchKey(_ c: Contact) -> String? {
        guard let last = c.lastName, !last.isEmpty else { return nil }
        return NameMatch.key("\(last) \(c.firstName)")
    }

    /// Whether the person has a phone that could be normalised (migration 21): 1 or 0.
    public static func hasPhone(_ c: Contact) -> Int {
        c.channels.contains { $0.kind == .phone && $0.normalized != nil } ? 1 : 0
    }

    public func insert(_ c: Contact, on db: any SQLDatabase) async throws -> Int64 {
        try await insert([c], on: db)[0]
    }

    /// New contacts with their channels, a few statements for all (an import batch): their ids in order.
    public func insert(_ people: [Contact], on db: any SQLDatabase) async throws -> [Int64] {
        let ids = try await BulkInsert(table: "contacts", columns: [
            "first_name", "middle_name", "last_name", "position", "birthday", "time_zone", "region", "name_key", "match_key",
            "has_phone", "created_at", "updated_at", "created_by", "owner_id", "version", "custom",
        ], jsonColumns: ["custom"]).runReturningIDs(people.map { c in
            [c.firstName, c.middleName, c.lastName, c.position, c.birthday?.description, c.timeZone, c.region,
             Self.nameKey(c), Self.matchKey(c), Self.hasPhone(c), c.createdAt.millis, c.updatedAt.millis, c.createdBy,
             c.ownerID, Int64(1), JSONText.encode(c.custom)]
        }, on: db)
        try await ChannelStore().insert(zip(ids, people).map { ($0, $1.channels) }, entity: Self.entity, on: db)
        try await Self.writeVariants(zip(ids, people).map { ($0, $1) }, on: db)
        return ids
    }

    /// The name variants of people without a phone (migration 22), a few hundred rows per statement.
    public static func writeVariants(_ people: [(id: Int64, contact: Contact)], on db: any SQLDatabase) async throws {
        try await BulkInsert(table: "name_variants", columns: ["variant", "contact_id", "match_key"]).run(people.flatMap { id, c in
            guard hasPhone(c) == 0, let key = matchKey(c) else { return [[any Encodable & Sendable]]() }
            return NameVariants.of(key).sorted().map { [$0, id, key] }
        }, on: db)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Contact? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM contacts WHERE id = \(bind: id)").first()
        else { return nil }
        var contact = try Self.decode(row)
        contact.channels = try await ChannelStore().channels(entity: Self.entity, ids: [id], on: db)[id] ?? []
        return contact
    }

    /// The contacts with these ids that exist (any order), with their channels.
    public func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Contact] {
        guard !ids.isEmpty else { return [] }
        var found: [Contact] = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            var items = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM contacts WHERE id IN (\(binds: chunk))").all()
                .map(Self.decode)
            let channels = try await ChannelStore().channels(entity: Self.entity, ids: items.map(\.id), on: db)
            for index in items.indices { items[index].channels = channels[items[index].id] ?? [] }
            found += items
        }
        return found
    }

    public func ownership(id: Int64, on db: any SQLDatabase) async throws -> RecordOwnership? {
        try await db.raw("""
            SELECT contacts.owner_id, users.department_id FROM contacts LEFT JOIN users ON users.id = contacts.owner_id
            WHERE contacts.id = \(bind: id)
            """).first().map {
            RecordOwnership(ownerID: try $0.decode(column: "owner_id", as: Int64?.self),
                            ownerDepartmentID: try $0.decode(column: "department_id", as: Int64?.self))
        }
    }

    public func list(_ query: ClientQuery, scope: PermissionScope, subject: AccessSubject, page: PageRequest,
                     on db: any SQLDatabase) async throws -> Page<Contact> {
        let keyset = ClientListing.keyset(query, table: "contacts", page: page, db: db)
        var conditions = [ScopeFilter.condition(scope, subject: subject, ownerColumn: "contacts.owner_id")]
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            conditions.append(NameKey.prefixCondition("contacts.name_key", search))
        }
        if let owner = query.ownerID { conditions.append("contacts.owner_id = \(bind: owner)") }
        if let region = query.region { conditions.append("contacts.region = \(bind: region)") }
        if let company = query.companyID {
            conditions.append("contacts.id IN (SELECT contact_id FROM company_contacts WHERE company_id = \(bind: company))")
        }
        conditions += ClientListing.customConditions(query, table: "contacts", db: db)
        if let after = try keyset.afterCursor() { conditions.append(after) }
        var items = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM contacts \(whereClause(conditions))
            \(keyset.orderBy) LIMIT \(literal: keyset.fetchLimit)
            """).all().map(Self.decode)
        let channels = try await ChannelStore().channels(entity: Self.entity, ids: items.map(\.id), on: db)
        for index in items.indices { items[index].channels = channels[items[index].id] ?? [] }
        return keyset.finish(items, sortValue: { c in
            ClientListing.sortValue(query, nameKey: Self.nameKey(c), createdAt: c.createdAt, id: c.id, custom: c.custom)
        }, id: \.id)
    }

    public func update(_ c: Contact, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        let version = try await db.raw("""
            UPDATE contacts SET first_name = \(bind: c.firstName), middle_name = \(bind: c.middleName),
                last_name = \(bind: c.lastName), position = \(bind: c.position), birthday = \(bind: c.birthday?.description),
                time_zone = \(bind: c.timeZone), region = \(bind: c.region), name_key = \(bind: Self.nameKey(c)),
                match_key = \(bind: Self.matchKey(c)), has_phone = \(bind: Self.hasPhone(c)), owner_id = \(bind: c.ownerID),
                updated_at = \(bind: c.updatedAt.millis),
                custom = \(CustomFieldSQL.bind(c.custom, on: db)), version = version + 1
            WHERE id = \(bind: c.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first().map { try $0.decode(column: "version", as: Int64.self) }
        if version != nil {
            try await ChannelStore().replace(c.channels, entity: Self.entity, id: c.id, on: db)
            try await db.raw("DELETE FROM name_variants WHERE contact_id = \(bind: c.id)").run()
            try await Self.writeVariants([(c.id, c)], on: db)
        }
        return version
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM company_contacts WHERE contact_id = \(bind: id)").run()
        try await RelationshipStore().deleteAll(entity: Self.entity, id: id, on: db)
        try await ChannelStore().delete(entity: Self.entity, id: id, on: db)
        try await db.raw("DELETE FROM name_variants WHERE contact_id = \(bind: id)").run()
        try await db.raw("DELETE FROM contacts WHERE id = \(bind: id)").run()
    }

    // MARK: links to companies

    /// Links a contact to a company (or changes the role of an existing link).
    public func link(_ link: CompanyLink, on db: any SQLDatabase) async throws {
        try await unlink(companyID: link.companyID, contactID: link.contactID, on: db)
        try await db.raw("""
            INSERT INTO company_contacts (company_id, contact_id, role)
            VALUES (\(bind: link.companyID), \(bind: link.contactID), \(bind: link.role))
            """).run()
    }

    public func unlink(companyID: Int64, contactID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            DELETE FROM company_contacts WHERE company_id = \(bind: companyID) AND contact_id = \(bind: contactID)
            """).run()
    }

    /// The links of a contact (its companies) or of a company (its people).
    public func links(contactID: Int64? = nil, companyID: Int64? = nil, on db: any SQLDatabase) async throws -> [CompanyLink] {
        var conditions: [SQLQueryString] = []
        if let contactID { conditions.append("contact_id = \(bind: contactID)") }
        if let companyID { conditions.append("company_id = \(bind: companyID)") }
        return try await db.raw("""
            SELECT company_id, contact_id, role FROM company_contacts \(whereClause(conditions))
            ORDER BY company_id, contact_id LIMIT 1000
            """).all().map {
            CompanyLink(companyID: try $0.decode(column: "company_id", as: Int64.self),
                        contactID: try $0.decode(column: "contact_id", as: Int64.self),
                        role: try $0.decode(column: "role", as: String?.self))
        }
    }

    /// The names of the companies of many contacts at once, for lists and exports; only
    /// companies `scope` lets `subject` read are named.
    public func companyNames(contactIDs: [Int64], scope: PermissionScope, subject: AccessSubject,
                             on db: any SQLDatabase) async throws -> [Int64: [String]] {
        guard !contactIDs.isEmpty else { return [:] }
        let visible = ScopeFilter.condition(scope, subject: subject, ownerColumn: "companies.owner_id")
        let rows = try await db.raw("""
            SELECT company_contacts.contact_id, companies.short_name FROM company_contacts
            JOIN companies ON companies.id = company_contacts.company_id
            WHERE company_contacts.contact_id IN (\(binds: contactIDs)) AND \(visible) ORDER BY companies.name_key
            """).all()
        var out: [Int64: [String]] = [:]
        for row in rows {
            out[try row.decode(column: "contact_id", as: Int64.self), default: []]
                .append(try row.decode(column: "short_name", as: String.self))
        }
        return out
    }

    static func decode(_ row: any SQLRow) throws -> Contact {
        Contact(
            id: try row.decode(column: "id", as: Int64.self),
            firstName: try row.decode(column: "first_name", as: String.self),
            middleName: try row.decode(column: "middle_name", as: String?.self),
            lastName: try row.decode(column: "last_name", as: String?.self),
            position: try row.decode(column: "position", as: String?.self),
            birthday: try row.decode(column: "birthday", as: String?.self).flatMap(CalendarDate.init),
            timeZone: try row.decode(column: "time_zone", as: String?.self),
            region: try row.decode(column: "region", as: String?.self),
            ownerID: try row.decode(column: "owner_id", as: Int64?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self),
            version: try row.decode(column: "version", as: Int64.self),
            custom: try ClientListing.decodeCustom(row))
    }
}
