import Foundation
import RapportDomain
import SQLKit

/// Companies (counterparties) and their channels.
public struct CompanyStore: Sendable {
    public init() {}

    static let entity = "company"

    /// The keys a company's name is sorted, searched and compared by.
    public static func nameKey(_ c: Company) -> String { NameKey.make(c.shortName) }
    public static func matchKey(_ c: Company) -> String? { NameMatch.key(c.shortName) }
    static let columns = """
        companies.id, companies.kind, companies.status, companies.short_name, companies.full_name, companies.inn,
        companies.kpp, companies.foreign_tax_id, companies.addresses, companies.bank_account, companies.region,
        companies.time_zone, companies.reliability, companies.client_class, companies.price_type,
        companies.delivery_terms, companies.lead_time_days, companies.advertising_source, companies.birthday,
        companies.work_started_on, companies.name_key, companies.created_at, companies.updated_at, companies.created_by,
        companies.owner_id, companies.version, companies.custom
        """

    public func insert(_ c: Company, on db: any SQLDatabase) async throws -> Int64 {
        try await insert([c], on: db)[0]
    }

    /// New companies with their channels, a few statements for all (an import batch): their ids in order.
    public func insert(_ companies: [Company], on db: any SQLDatabase) async throws -> [Int64] {
        let ids = try await BulkInsert(table: "companies", columns: [
            "kind", "status", "short_name", "full_name", "inn", "kpp", "foreign_tax_id", "addresses", "bank_account",
            "region", "time_zone", "reliability", "client_class", "price_type", "delivery_terms", "lead_time_days",
            "advertising_source", "birthday", "work_started_on", "name_key", "match_key", "created_at", "updated_at",
            "created_by", "owner_id", "version", "custom",
        ], jsonColumns: ["custom"]).runReturningIDs(companies.map { c in
            [c.kind.rawValue, c.status.rawValue, c.shortName, c.fullName, c.inn, c.kpp, c.foreignTaxID,
             JSONText.encode(c.addresses), c.bankAccount.map(JSONText.encode), c.region, c.timeZone, c.reliability?.rawValue,
             c.clientClass, c.priceType, c.deliveryTerms, c.leadTimeDays, c.advertisingSource, c.birthday?.description,
             c.workStartedOn?.description, Self.nameKey(c), Self.matchKey(c), c.createdAt.millis, c.updatedAt.millis,
             c.createdBy, c.ownerID, Int64(1), JSONText.encode(c.custom)]
        }, on: db)
        try await ChannelStore().insert(zip(ids, companies).map { ($0, $1.channels) }, entity: Self.entity, on: db)
        return ids
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Company? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM companies WHERE id = \(bind: id)").first()
        else { return nil }
        var company = try Self.decode(row)
        company.channels = try await ChannelStore().channels(entity: Self.entity, ids: [id], on: db)[id] ?? []
        return company
    }

    /// The department of the company's responsible, for access decisions.
    public func ownership(id: Int64, on db: any SQLDatabase) async throws -> RecordOwnership? {
        try await db.raw("""
            SELECT companies.owner_id, users.department_id FROM companies LEFT JOIN users ON users.id = companies.owner_id
            WHERE companies.id = \(bind: id)
            """).first().map {
            RecordOwnership(ownerID: try $0.decode(column: "owner_id", as: Int64?.self),
                            ownerDepartmentID: try $0.decode(column: "department_id", as: Int64?.self))
        }
    }

    public func list(_ query: ClientQuery, scope: PermissionScope, subject: AccessSubject, page: PageRequest,
                     on db: any SQLDatabase) async throws -> Page<Company> {
        let keyset = ClientListing.keyset(query, table: "companies", page: page, db: db)
        var conditions = [ScopeFilter.condition(scope, subject: subject, ownerColumn: "companies.owner_id")]
        if let search = query.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            conditions.append("""
                (\(NameKey.prefixCondition("companies.name_key", search)) OR companies.inn = \(bind: search))
                """)
        }
        if let kind = query.kind { conditions.append("companies.kind = \(bind: kind.rawValue)") }
        if let status = query.status { conditions.append("companies.status = \(bind: status.rawValue)") }
        if let owner = query.ownerID { conditions.append("companies.owner_id = \(bind: owner)") }
        if let region = query.region { conditions.append("companies.region = \(bind: region)") }
        conditions += ClientListing.customConditions(query, table: "companies", db: db)
        if let after = try keyset.afterCursor() { conditions.append(after) }
        var items = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM companies \(whereClause(conditions))
            \(keyset.orderBy) LIMIT \(literal: keyset.fetchLimit)
            """).all().map(Self.decode)
        let channels = try await ChannelStore().channels(entity: Self.entity, ids: items.map(\.id), on: db)
        for index in items.indices { items[index].channels = channels[items[index].id] ?? [] }
        return keyset.finish(items, sortValue: { c in
            ClientListing.sortValue(query, nameKey: NameKey.make(c.shortName), createdAt: c.createdAt, id: c.id, custom: c.custom)
        }, id: \.id)
    }

    /// - Returns: the new version, or nil when `expectedVersion` is no longer current.
    public func update(_ c: Company, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        let version = try await db.raw("""
            UPDATE companies SET kind = \(bind: c.kind.rawValue), status = \(bind: c.status.rawValue),
                short_name = \(bind: c.shortName), full_name = \(bind: c.fullName), inn = \(bind: c.inn), kpp = \(bind: c.kpp),
                foreign_tax_id = \(bind: c.foreignTaxID), addresses = \(bind: JSONText.encode(c.addresses)),
                bank_account = \(bind: c.bankAccount.map(JSONText.encode)), region = \(bind: c.region),
                time_zone = \(bind: c.timeZone), reliability = \(bind: c.reliability?.rawValue),
                client_class = \(bind: c.clientClass), price_type = \(bind: c.priceType),
                delivery_terms = \(bind: c.deliveryTerms), lead_time_days = \(bind: c.leadTimeDays),
                advertising_source = \(bind: c.advertisingSource), birthday = \(bind: c.birthday?.description),
                work_started_on = \(bind: c.workStartedOn?.description), name_key = \(bind: Self.nameKey(c)),
                match_key = \(bind: Self.matchKey(c)), owner_id = \(bind: c.ownerID), updated_at = \(bind: c.updatedAt.millis),
                custom = \(CustomFieldSQL.bind(c.custom, on: db)), version = version + 1
            WHERE id = \(bind: c.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first().map { try $0.decode(column: "version", as: Int64.self) }
        if version != nil { try await ChannelStore().replace(c.channels, entity: Self.entity, id: c.id, on: db) }
        return version
    }

    /// Deletes the company with its links and channels (events stay, as history).
    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM company_contacts WHERE company_id = \(bind: id)").run()
        try await RelationshipStore().deleteAll(entity: Self.entity, id: id, on: db)
        try await ChannelStore().delete(entity: Self.entity, id: id, on: db)
        try await db.raw("DELETE FROM companies WHERE id = \(bind: id)").run()
    }

    static func decode(_ row: any SQLRow) throws -> Company {
        Company(
            id: try row.decode(column: "id", as: Int64.self),
            kind: CompanyKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .client,
            status: ClientStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .prospect,
            shortName: try row.decode(column: "short_name", as: String.self),
            fullName: try row.decode(column: "full_name", as: String?.self),
            inn: try row.decode(column: "inn", as: String?.self),
            kpp: try row.decode(column: "kpp", as: String?.self),
            foreignTaxID: try row.decode(column: "foreign_tax_id", as: String?.self),
            addresses: try JSONText.decode([Address].self, row.decode(column: "addresses", as: String.self)),
            bankAccount: try row.decode(column: "bank_account", as: String?.self).map { try JSONText.decode(BankAccount.self, $0) },
            region: try row.decode(column: "region", as: String?.self),
            timeZone: try row.decode(column: "time_zone", as: String?.self),
            reliability: try row.decode(column: "reliability", as: String?.self).flatMap(Reliability.init(rawValue:)),
            clientClass: try row.decode(column: "client_class", as: String?.self),
            priceType: try row.decode(column: "price_type", as: String?.self),
            deliveryTerms: try row.decode(column: "delivery_terms", as: String?.self),
            leadTimeDays: try row.decode(column: "lead_time_days", as: Int?.self),
            advertisingSource: try row.decode(column: "advertising_source", as: String?.self),
            birthday: try row.decode(column: "birthday", as: String?.self).flatMap(CalendarDate.init),
            workStartedOn: try row.decode(column: "work_started_on", as: String?.self).flatMap(CalendarDate.init),
            ownerID: try row.decode(column: "owner_id", as: Int64?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self),
            version: try row.decode(column: "version", as: Int64.self),
            custom: try ClientListing.decodeCustom(row))
    }
}
