import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/api/v1/leads`: lists, the lead with its lines and stage history, changes, moves.
struct LeadsAPI {
    let leads: LeadService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("leads") { request, context in
            let query = QueryReader(request: request)
            let page = try await leads.list(try query.pipelineRecordQuery(), page: try query.page(), by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page) { LeadDTO(lead: $0) })
        }
        group.post("leads") { request, context in
            let body = try await JSONBody.decode(LeadInput.self, from: request, context: context)
            let lead = try await leads.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(LeadDTO(lead: lead), status: .created, version: lead.version,
                                         headers: [.location: "/api/v1/leads/\(lead.id)"])
        }
        group.get("leads/{id}") { _, context in
            let card = try await leads.get(try context.id(entity: "lead"), by: try context.requirePrincipal())
            return try JSONResponse.make(LeadDTO(lead: card.record, lineItems: card.lineItems, visits: card.visits),
                                         version: card.record.version)
        }
        group.patch("leads/{id}") { request, context in
            let id = try context.id(entity: "lead")
            let body = try await JSONBody.decode(LeadInput.self, from: request, context: context)
            let lead = try await leads.update(id, body, expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(LeadDTO(lead: lead), version: lead.version)
        }
        group.delete("leads/{id}") { request, context in
            try await leads.delete(try context.id(entity: "lead"), expectedVersion: try request.ifMatchVersion(),
                                   by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.post("leads/{id}/move") { request, context in
            let id = try context.id(entity: "lead")
            let body = try await JSONBody.decode(MoveBody<LeadInput>.self, from: request, context: context)
            let lead = try await leads.move(id, to: try body.requireStage(), reasonID: body.reasonID, changes: body.changes,
                                            expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(LeadDTO(lead: lead), version: lead.version)
        }
        group.post("leads/{id}/final-price") { request, context in
            let body = try await JSONBody.decode(FinalPriceBody.self, from: request, context: context)
            let lead = try await leads.setFinalPrice(try context.id(entity: "lead"), amount: body.amount,
                                                     expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(LeadDTO(lead: lead), version: lead.version)
        }
        group.post("leads/{id}/convert") { request, context in
            let id = try context.id(entity: "lead")
            let body = try await JSONBody.decode(LeadConversionInput.self, from: request, context: context)
            let result = try await leads.convert(id, body, expectedVersion: try request.ifMatchVersion(),
                                                 by: try context.requirePrincipal())
            return try JSONResponse.make(ConversionDTO(lead: LeadDTO(lead: result.lead), contactID: result.contactID,
                                                       companyID: result.companyID, deal: DealDTO(deal: result.deal)),
                                         status: .created, headers: [.location: "/api/v1/deals/\(result.deal.id)"])
        }
    }
}

/// What a conversion made.
struct ConversionDTO: Encodable {
    var lead: LeadDTO
    var contactID: Int64
    var companyID: Int64?
    var deal: DealDTO

    enum CodingKeys: String, CodingKey {
        case lead, deal, contactID = "contact_id", companyID = "company_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lead, forKey: .lead)
        try c.encode(contactID, forKey: .contactID)
        try c.encode(companyID, forKey: .companyID)
        try c.encode(deal, forKey: .deal)
    }
}
