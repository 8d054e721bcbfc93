import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/api/v1/deals`: lists, the deal with its lines and stage history, changes, moves.
struct DealsAPI {
    let deals: DealService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("deals") { request, context in
            let query = QueryReader(request: request)
            let page = try await deals.list(try query.pipelineRecordQuery(), page: try query.page(), by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page) { DealDTO(deal: $0) })
        }
        group.post("deals") { request, context in
            let body = try await JSONBody.decode(DealInput.self, from: request, context: context)
            let deal = try await deals.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(DealDTO(deal: deal), status: .created, version: deal.version,
                                         headers: [.location: "/api/v1/deals/\(deal.id)"])
        }
        group.get("deals/{id}") { _, context in
            let card = try await deals.get(try context.id(entity: "deal"), by: try context.requirePrincipal())
            return try JSONResponse.make(DealDTO(deal: card.record, lineItems: card.lineItems, visits: card.visits),
                                         version: card.record.version)
        }
        group.patch("deals/{id}") { request, context in
            let id = try context.id(entity: "deal")
            let body = try await JSONBody.decode(DealInput.self, from: request, context: context)
            let deal = try await deals.update(id, body, expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(DealDTO(deal: deal), version: deal.version)
        }
        group.delete("deals/{id}") { request, context in
            try await deals.delete(try context.id(entity: "deal"), expectedVersion: try request.ifMatchVersion(),
                                   by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.post("deals/{id}/final-price") { request, context in
            let body = try await JSONBody.decode(FinalPriceBody.self, from: request, context: context)
            let deal = try await deals.setFinalPrice(try context.id(entity: "deal"), amount: body.amount,
                                                     expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(DealDTO(deal: deal), version: deal.version)
        }
        group.post("deals/{id}/move") { request, context in
            let id = try context.id(entity: "deal")
            let body = try await JSONBody.decode(MoveBody<DealInput>.self, from: request, context: context)
            let deal = try await deals.move(id, to: try body.requireStage(), reasonID: body.reasonID, changes: body.changes,
                                            expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(DealDTO(deal: deal), version: deal.version)
        }
    }
}
