import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

struct EventDTO: Encodable {
    var id: Int64
    var occurredAt: Date
    var actorID: Int64?
    var entity: String
    var entityID: Int64
    var action: String
    var changes: [FieldChange]

    enum CodingKeys: String, CodingKey {
        case id, entity, action, changes
        case occurredAt = "occurred_at", actorID = "actor_id", entityID = "entity_id"
    }

    init(_ e: Event) {
        id = e.id; occurredAt = e.occurredAt; actorID = e.actorID; entity = e.entity; entityID = e.entityID
        action = e.action.rawValue; changes = e.changes
    }
}

/// `GET /api/v1/events`: the audit log, newest first.
struct EventsAPI {
    let events: EventService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("events") { request, context in
            let query = QueryReader(request: request)
            let filter = EventQuery(
                entity: try query.string("entity", maxLength: 50), entityID: try query.int64("entity_id"),
                actorID: try query.int64("actor_id"), action: try query.oneOf("action", EventAction.self)?.rawValue,
                since: try query.date("since"), until: try query.date("until"))
            let page = try await events.list(filter, page: try query.page(), by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page, EventDTO.init))
        }
    }
}
