import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/api/v1/companies` and `/api/v1/contacts`.
struct ClientsAPI {
    let companies: CompanyService
    let contacts: ContactService

    func query(_ request: Request) throws -> ClientQuery {
        let query = QueryReader(request: request)
        return ClientQuery(
            search: try query.string("q"), kind: try query.oneOf("kind", CompanyKind.self),
            status: try query.oneOf("status", ClientStatus.self), ownerID: try query.int64("owner_id"),
            region: try query.string("region", maxLength: 100), companyID: try query.int64("company_id"),
            sort: try query.oneOf("sort", ClientQuery.Sort.self) ?? .name,
            descending: try query.oneOf("order", SortOrder.self) == .desc)
    }

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("companies") { request, context in
            let page = try await companies.list(try query(request), page: try QueryReader(request: request).page(),
                                                by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page) { CompanyDTO(company: $0) })
        }
        group.post("companies") { request, context in
            let body = try await JSONBody.decode(CompanyBody.self, from: request, context: context)
            let allow = try QueryReader(request: request).bool("allow_duplicates") ?? false
            let company = try await companies.create(try body.input(), allowDuplicates: allow,
                                                     by: try context.requirePrincipal())
            return try JSONResponse.make(CompanyDTO(company: company), status: .created, version: company.version,
                                         headers: [.location: "/api/v1/companies/\(company.id)"])
        }
        group.get("companies/{id}") { _, context in
            let company = try await companies.get(try context.id(entity: "company"), by: try context.requirePrincipal())
            return try JSONResponse.make(CompanyDTO(company: company), version: company.version)
        }
        group.patch("companies/{id}") { request, context in
            let id = try context.id(entity: "company")
            let body = try await JSONBody.decode(CompanyBody.self, from: request, context: context)
            let company = try await companies.update(id, try body.input(), expectedVersion: try request.ifMatchVersion(),
                                                     by: try context.requirePrincipal())
            return try JSONResponse.make(CompanyDTO(company: company), version: company.version)
        }
        group.delete("companies/{id}") { request, context in
            try await companies.delete(try context.id(entity: "company"), expectedVersion: try request.ifMatchVersion(),
                                       by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }

        group.get("contacts") { request, context in
            let page = try await contacts.list(try query(request), page: try QueryReader(request: request).page(),
                                               by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page) { ContactDTO(contact: $0, links: nil) })
        }
        group.post("contacts") { request, context in
            let body = try await JSONBody.decode(ContactBody.self, from: request, context: context)
            let allow = try QueryReader(request: request).bool("allow_duplicates") ?? false
            let card = try await contacts.create(try body.input(), allowDuplicates: allow, by: try context.requirePrincipal())
            return try JSONResponse.make(ContactDTO(contact: card.contact, links: card.links), status: .created,
                                         version: card.contact.version,
                                         headers: [.location: "/api/v1/contacts/\(card.contact.id)"])
        }
        group.get("contacts/{id}") { _, context in
            let card = try await contacts.get(try context.id(entity: "contact"), by: try context.requirePrincipal())
            return try JSONResponse.make(ContactDTO(contact: card.contact, links: card.links), version: card.contact.version)
        }
        group.patch("contacts/{id}") { request, context in
            let id = try context.id(entity: "contact")
            let body = try await JSONBody.decode(ContactBody.self, from: request, context: context)
            let card = try await contacts.update(id, try body.input(), expectedVersion: try request.ifMatchVersion(),
                                                 by: try context.requirePrincipal())
            return try JSONResponse.make(ContactDTO(contact: card.contact, links: card.links), version: card.contact.version)
        }
        group.delete("contacts/{id}") { request, context in
            try await contacts.delete(try context.id(entity: "contact"), expectedVersion: try request.ifMatchVersion(),
                                      by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}
