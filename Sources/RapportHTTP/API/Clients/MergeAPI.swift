import Hummingbird
import RapportDomain
import RapportServices

struct MergeBody: StrictInput {
    var duplicateID: Int64
    var take: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case take
        case duplicateID = "duplicate_id"
    }
    typealias Keys = CodingKeys
}

/// `POST /api/v1/{companies|contacts}/{id}/merge`: the record `{id}` survives, `duplicate_id`
/// is merged into it and removed.
struct MergeAPI {
    let merge: MergeService
    let clients: ClientsAPI

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.post("companies/{id}/merge") { request, context in
            let id = try context.id(entity: "company")
            let body = try await JSONBody.decode(MergeBody.self, from: request, context: context)
            let company = try await merge.mergeCompanies(id, duplicate: body.duplicateID, take: body.take ?? [],
                                                         expectedVersion: try request.ifMatchVersion(),
                                                         by: try context.requirePrincipal())
            return try JSONResponse.make(CompanyDTO(company: company, definitions: try await clients.definitions(.company, context)), version: company.version)
        }
        group.post("contacts/{id}/merge") { request, context in
            let id = try context.id(entity: "contact")
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(MergeBody.self, from: request, context: context)
            let contact = try await merge.mergeContacts(id, duplicate: body.duplicateID, take: body.take ?? [],
                                                        expectedVersion: try request.ifMatchVersion(), by: principal)
            let card = try await clients.contacts.get(contact.id, by: principal)
            return try JSONResponse.make(ContactDTO(contact: card.contact, links: card.links,
                                                    definitions: try await clients.definitions(.contact, context)), version: contact.version)
        }
    }
}
