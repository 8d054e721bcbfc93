import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// The list filters of the client lists read from a query string (`q=…&region=…&cf.style=classic`),
/// for the command line: one reading of filters for the API, the pages and the console.
public enum ClientFilters {
    public static func query(_ queryString: String) throws -> ClientQuery {
        let head = HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/?" + queryString)
        return try ClientsAPI.query(Request(head: head, body: .init(buffer: ByteBuffer())))
    }
}

/// `/api/v1/companies` and `/api/v1/contacts`.
struct ClientsAPI {
    let companies: CompanyService
    let contacts: ContactService
    let fields: CustomFieldService

    /// The list filters; `cf.<code>…` parameters filter by custom fields and `sort=cf.<code>`
    /// sorts by one.
    static func query(_ request: Request) throws -> ClientQuery {
        let query = QueryReader(request: request)
        let sortText = try query.string("sort")
        let customSort = sortText.flatMap { $0.hasPrefix("cf.") ? String($0.dropFirst(3)) : nil }
        var result = ClientQuery(
            search: try query.string("q"), kind: try query.oneOf("kind", CompanyKind.self),
            status: try query.oneOf("status", ClientStatus.self), ownerID: try query.int64("owner_id"),
            region: try query.string("region", maxLength: 100), companyID: try query.int64("company_id"),
            sort: customSort == nil ? try query.oneOf("sort", ClientQuery.Sort.self) ?? .name : .name,
            descending: try query.oneOf("order", SortOrder.self) == .desc)
        result.customSort = customSort
        result.customParameters = try query.custom()
        return result
    }

    func query(_ request: Request) throws -> ClientQuery { try Self.query(request) }

    func definitions(_ entity: CustomFieldEntity, _ context: RapportRequestContext) async throws -> [CustomFieldDefinition] {
        try await fields.list(entity: entity, by: try context.requirePrincipal())
    }

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("companies") { request, context in
            let page = try await companies.list(try query(request), page: try QueryReader(request: request).page(),
                                                by: try context.requirePrincipal())
            let definitions = try await definitions(.company, context)
            return try JSONResponse.make(ListBody(page) { CompanyDTO(company: $0, definitions: definitions) })
        }
        group.post("companies") { request, context in
            let body = try await JSONBody.decode(CompanyBody.self, from: request, context: context)
            let allow = try QueryReader(request: request).bool("allow_duplicates") ?? false
            let company = try await companies.create(try body.input(), allowDuplicates: allow,
                                                     by: try context.requirePrincipal())
            return try JSONResponse.make(CompanyDTO(company: company, definitions: try await definitions(.company, context)), status: .created, version: company.version,
                                         headers: [.location: "/api/v1/companies/\(company.id)"])
        }
        group.get("companies/{id}") { _, context in
            let company = try await companies.get(try context.id(entity: "company"), by: try context.requirePrincipal())
            return try JSONResponse.make(CompanyDTO(company: company, definitions: try await definitions(.company, context)), version: company.version)
        }
        group.patch("companies/{id}") { request, context in
            let id = try context.id(entity: "company")
            let body = try await JSONBody.decode(CompanyBody.self, from: request, context: context)
            let allow = try QueryReader(request: request).bool("allow_duplicates") ?? false
            let company = try await companies.update(id, try body.input(), expectedVersion: try request.ifMatchVersion(),
                                                     allowDuplicates: allow, by: try context.requirePrincipal())
            return try JSONResponse.make(CompanyDTO(company: company, definitions: try await definitions(.company, context)), version: company.version)
        }
        group.delete("companies/{id}") { request, context in
            try await companies.delete(try context.id(entity: "company"), expectedVersion: try request.ifMatchVersion(),
                                       by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }

        group.get("contacts") { request, context in
            let page = try await contacts.list(try query(request), page: try QueryReader(request: request).page(),
                                               by: try context.requirePrincipal())
            let definitions = try await definitions(.contact, context)
            return try JSONResponse.make(ListBody(page) { ContactDTO(contact: $0, links: nil, definitions: definitions) })
        }
        group.post("contacts") { request, context in
            let body = try await JSONBody.decode(ContactBody.self, from: request, context: context)
            let allow = try QueryReader(request: request).bool("allow_duplicates") ?? false
            let card = try await contacts.create(try body.input(), allowDuplicates: allow, by: try context.requirePrincipal())
            return try JSONResponse.make(ContactDTO(contact: card.contact, links: card.links, definitions: try await definitions(.contact, context)), status: .created,
                                         version: card.contact.version,
                                         headers: [.location: "/api/v1/contacts/\(card.contact.id)"])
        }
        group.get("contacts/{id}") { _, context in
            let card = try await contacts.get(try context.id(entity: "contact"), by: try context.requirePrincipal())
            return try JSONResponse.make(ContactDTO(contact: card.contact, links: card.links, definitions: try await definitions(.contact, context)), version: card.contact.version)
        }
        group.patch("contacts/{id}") { request, context in
            let id = try context.id(entity: "contact")
            let body = try await JSONBody.decode(ContactBody.self, from: request, context: context)
            let allow = try QueryReader(request: request).bool("allow_duplicates") ?? false
            let card = try await contacts.update(id, try body.input(), expectedVersion: try request.ifMatchVersion(),
                                                 allowDuplicates: allow, by: try context.requirePrincipal())
            return try JSONResponse.make(ContactDTO(contact: card.contact, links: card.links, definitions: try await definitions(.contact, context)), version: card.contact.version)
        }
        group.delete("contacts/{id}") { request, context in
            try await contacts.delete(try context.id(entity: "contact"), expectedVersion: try request.ifMatchVersion(),
                                      by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}
