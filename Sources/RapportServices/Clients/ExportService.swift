import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Exports of client lists, honouring the role's `export` scope: CSV for companies and
/// contacts, vCard 3.0 for contacts.
public struct ExportService: Sendable {
    /// An export stops here; a bigger one belongs to the background export (not yet built).
    public static let maxRows = 100_000

    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public func companiesCSV(_ query: ClientQuery, by principal: Principal) async throws -> String {
        try Access.requireAny(principal, .export, .company)
        let scope = principal.scope(.company, .export)
        return try await env.database.read { db in
            let owners = try await Self.userNames(db)
            let (query, definitions) = try await CustomValueChecks.resolved(query, .company, on: db)
            var csv = CSVWriter()
            csv.row(["id", "short_name", "full_name", "kind", "status", "inn", "kpp", "region", "phones", "emails",
                     "responsible", "created_at"] + definitions.map(\.code))
            try await Self.pages(maxRows: Self.maxRows) { [query] page in
                try await CompanyStore().list(query, scope: scope, subject: principal.subject, page: page, on: db)
            } each: { c in
                csv.row([String(c.id), c.shortName, c.fullName ?? "", c.kind.rawValue, c.status.rawValue, c.inn ?? "",
                         c.kpp ?? "", c.region ?? "", Self.values(c.channels, .phone), Self.values(c.channels, .email),
                         c.ownerID.flatMap { owners[$0] } ?? "", Self.iso(c.createdAt)] + Self.custom(c.custom, definitions))
            }
            return csv.text
        }
    }

    public func contactsCSV(_ query: ClientQuery, by principal: Principal) async throws -> String {
        try Access.requireAny(principal, .export, .contact)
        let scope = principal.scope(.contact, .export)
        return try await env.database.read { db in
            let owners = try await Self.userNames(db)
            let (query, definitions) = try await CustomValueChecks.resolved(query, .contact, on: db)
            var csv = CSVWriter()
            csv.row(["id", "last_name", "first_name", "middle_name", "position", "companies", "phones", "emails", "birthday",
                     "time_zone", "region", "responsible", "created_at"] + definitions.map(\.code))
            try await Self.pages(maxRows: Self.maxRows) { [query] page in
                try await ContactStore().list(query, scope: scope, subject: principal.subject, page: page, on: db)
            } batch: { contacts in
                try await ContactStore().companyNames(contactIDs: contacts.map(\.id), scope: principal.scope(.company, .read),
                                                      subject: principal.subject, on: db)
            } each: { c, companies in
                csv.row([String(c.id), c.lastName ?? "", c.firstName, c.middleName ?? "", c.position ?? "",
                         (companies[c.id] ?? []).joined(separator: "; "), Self.values(c.channels, .phone),
                         Self.values(c.channels, .email), c.birthday?.description ?? "", c.timeZone ?? "", c.region ?? "",
                         c.ownerID.flatMap { owners[$0] } ?? "", Self.iso(c.createdAt)] + Self.custom(c.custom, definitions))
            }
            return csv.text
        }
    }

    public func contactsVCard(_ query: ClientQuery, by principal: Principal) async throws -> String {
        try Access.requireAny(principal, .export, .contact)
        let scope = principal.scope(.contact, .export)
        return try await env.database.read { db in
            let query = try await CustomValueChecks.resolved(query, .contact, on: db).query
            var out = ""
            try await Self.pages(maxRows: Self.maxRows) { [query] page in
                try await ContactStore().list(query, scope: scope, subject: principal.subject, page: page, on: db)
            } batch: { contacts in
                try await ContactStore().companyNames(contactIDs: contacts.map(\.id), scope: principal.scope(.company, .read),
                                                      subject: principal.subject, on: db)
            } each: { c, companies in
                out += VCard.make(c, companies: companies[c.id] ?? [])
            }
            return out
        }
    }

    /// Walks a keyset-paginated list page by page, at most `maxRows` rows.
    static func pages<T>(maxRows: Int, fetch: (PageRequest) async throws -> Page<T>, each: (T) throws -> Void)
        async throws
    {
        try await pages(maxRows: maxRows, fetch: fetch, batch: { _ in () }, each: { item, _ in try each(item) })
    }

    static func pages<T, B>(maxRows: Int, fetch: (PageRequest) async throws -> Page<T>, batch: ([T]) async throws -> B,
                            each: (T, B) throws -> Void) async throws {
        var cursor: PageCursor?
        var count = 0
        repeat {
            let page = try await fetch(PageRequest(limit: PageRequest.maxLimit, cursor: cursor))
            let extra = try await batch(page.items)
            for item in page.items where count < maxRows {
                try each(item, extra)
                count += 1
            }
            cursor = count < maxRows ? page.nextCursor : nil
        } while cursor != nil
    }

    /// One cell per custom field, as `CustomFieldRules.text` writes it (what import reads back).
    static func custom(_ values: CustomValues, _ definitions: [CustomFieldDefinition]) -> [String] {
        definitions.map { d in values[d.code].map { CustomFieldRules.text($0, for: d) } ?? "" }
    }

    static func values(_ channels: [ContactChannel], _ kind: ChannelKind) -> String {
        channels.filter { $0.kind == kind }.map(\.value).joined(separator: "; ")
    }

    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }

    static func userNames(_ db: any SQLDatabase) async throws -> [Int64: String] {
        let rows = try await db.raw("SELECT id, first_name, last_name FROM users").all()
        return Dictionary(uniqueKeysWithValues: try rows.map {
            (try $0.decode(column: "id", as: Int64.self),
             "\(try $0.decode(column: "first_name", as: String.self)) \(try $0.decode(column: "last_name", as: String.self))")
        })
    }
}
