import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// An interaction as the API shows it.
struct InteractionDTO: Encodable {
    var item: Interaction
    var overdue: Bool
    var chain: [InteractionDTO]?

    /// Every key present, null when not set.
    struct ParticipantDTO: Encodable {
        var kind: String
        var id: Int64?
        var name: String?

        enum CodingKeys: String, CodingKey { case kind, id, name }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(kind, forKey: .kind)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, subject, details, channel, direction, priority, type, state, status, participants, result, link
        case overdue, reminders, version, chain
        case startAt = "start_at", endAt = "end_at", durationMinutes = "duration_minutes"
        case advertisingSource = "advertising_source", ownerID = "owner_id", threadID = "thread_id", parentID = "parent_id"
        case createdBy = "created_by", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item.id, forKey: .id)
        try c.encode(item.kind.rawValue, forKey: .kind)
        try c.encode(item.subject, forKey: .subject)
        try c.encode(item.details, forKey: .details)
        try c.encode(ISO8601.string(item.startAt), forKey: .startAt)
        try c.encode(item.endAt.map(ISO8601.string), forKey: .endAt)
        try c.encode(item.durationMinutes, forKey: .durationMinutes)
        try c.encode(item.channel, forKey: .channel)
        try c.encode(item.direction?.rawValue, forKey: .direction)
        try c.encode(item.priority.rawValue, forKey: .priority)
        try c.encode(item.purpose?.rawValue, forKey: .type)
        try c.encode(item.state.rawValue, forKey: .state)
        try c.encode(item.status.rawValue, forKey: .status)
        try c.encode(overdue, forKey: .overdue)
        try c.encode(item.advertisingSource, forKey: .advertisingSource)
        try c.encode(item.participants.map { ParticipantDTO(kind: $0.kind.rawValue, id: $0.refID, name: $0.name) },
                     forKey: .participants)
        try c.encode(item.ownerID, forKey: .ownerID)
        try c.encode(item.result, forKey: .result)
        try c.encode(item.link, forKey: .link)
        try c.encode(item.threadID, forKey: .threadID)
        try c.encode(item.parentID, forKey: .parentID)
        try c.encode(item.reminders.map(ISO8601.string), forKey: .reminders)
        try c.encode(item.createdBy, forKey: .createdBy)
        try c.encode(ISO8601.string(item.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(item.updatedAt), forKey: .updatedAt)
        try c.encode(item.version, forKey: .version)
        if let chain { try c.encode(chain, forKey: .chain) }
    }
}

/// `POST /api/v1/interactions`, `PATCH /api/v1/interactions/{id}`, `POST …/follow-ups`.
struct InteractionBody: StrictInput {
    var kind: String?
    var subject: String?
    var details: String?
    var startAt: String?
    var durationMinutes: Int?
    var channel: String?
    var direction: String?
    var priority: String?
    var type: String?
    var state: String?
    var status: String?
    var advertisingSource: String?
    var participants: [InteractionInput.ParticipantInput]?
    var ownerID: Int64?
    var result: String?
    var linkEntity: String?
    var linkID: Int64?
    var reminders: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, subject, details, channel, direction, priority, type, state, status, participants, result, reminders
        case startAt = "start_at", durationMinutes = "duration_minutes", advertisingSource = "advertising_source"
        case ownerID = "owner_id", linkEntity = "link_entity", linkID = "link_id"
    }
    typealias Keys = CodingKeys

    var input: InteractionInput {
        InteractionInput(kind: kind, subject: subject, details: details, startAt: startAt, durationMinutes: durationMinutes,
                         channel: channel, direction: direction, priority: priority, purpose: type, state: state,
                         status: status, advertisingSource: advertisingSource, participants: participants, ownerID: ownerID,
                         result: result, linkEntity: linkEntity, linkID: linkID, reminders: reminders)
    }
}

/// `POST …/participants/{position}/link`.
struct ParticipantLinkBody: StrictInput {
    var entity: String?
    var id: Int64?

    enum CodingKeys: String, CodingKey, CaseIterable { case entity, id }
    typealias Keys = CodingKeys
}

/// `POST …/participants/{position}/contact` and `/company`.
struct ParticipantRecordBody: StrictInput {
    var allowDuplicates: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case allowDuplicates = "allow_duplicates" }
    typealias Keys = CodingKeys
}

/// `/api/v1/interactions`: the work queue and timelines, an interaction with its chain, and
/// changes; follow-ups; participants turned into records.
struct InteractionsAPI {
    let interactions: InteractionService
    let clock: any WallClock

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("interactions") { request, context in
            let page = try await interactions.list(try Self.query(request), page: try QueryReader(request: request).page(),
                                                   by: try context.requirePrincipal())
            let now = clock.now()
            return try JSONResponse.make(ListBody(page) { InteractionDTO(item: $0, overdue: $0.isOverdue(at: now)) })
        }
        group.get("interactions/summary") { _, context in
            let overdue = try await interactions.overdueCount(by: try context.requirePrincipal())
            return try JSONResponse.make(["overdue": overdue])
        }
        group.post("interactions") { request, context in
            let body = try await JSONBody.decode(InteractionBody.self, from: request, context: context)
            let item = try await interactions.create(body.input, by: try context.requirePrincipal())
            return try created(item)
        }
        group.get("interactions/{id}") { _, context in
            let card = try await interactions.get(try context.id(entity: "interaction"), by: try context.requirePrincipal())
            let now = clock.now()
            return try JSONResponse.make(
                InteractionDTO(item: card.interaction, overdue: card.interaction.isOverdue(at: now),
                               chain: card.chain.map { InteractionDTO(item: $0, overdue: $0.isOverdue(at: now)) }),
                version: card.interaction.version)
        }
        group.patch("interactions/{id}") { request, context in
            let id = try context.id(entity: "interaction")
            let body = try await JSONBody.decode(InteractionBody.self, from: request, context: context)
            let item = try await interactions.update(id, body.input, expectedVersion: try request.ifMatchVersion(),
                                                     by: try context.requirePrincipal())
            return try JSONResponse.make(InteractionDTO(item: item, overdue: item.isOverdue(at: clock.now())), version: item.version)
        }
        group.delete("interactions/{id}") { request, context in
            try await interactions.delete(try context.id(entity: "interaction"), expectedVersion: try request.ifMatchVersion(),
                                          by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.post("interactions/{id}/follow-ups") { request, context in
            let id = try context.id(entity: "interaction")
            let body = try await JSONBody.decode(InteractionBody.self, from: request, context: context)
            return try created(try await interactions.followUp(id, body.input, by: try context.requirePrincipal()))
        }
        group.post("interactions/{id}/participants/{position}/link") { request, context in
            let id = try context.id(entity: "interaction")
            let body = try await JSONBody.decode(ParticipantLinkBody.self, from: request, context: context)
            guard let entity = body.entity else { throw RapportError.invalid("entity", "required", "entity is required") }
            guard let recordID = body.id else { throw RapportError.invalid("id", "required", "id is required") }
            let item = try await interactions.linkParticipant(id, position: try Self.position(context), entity: entity,
                                                              recordID: recordID, expectedVersion: try request.ifMatchVersion(),
                                                              by: try context.requirePrincipal())
            return try JSONResponse.make(InteractionDTO(item: item, overdue: item.isOverdue(at: clock.now())), version: item.version)
        }
        group.post("interactions/{id}/participants/{position}/contact") { request, context in
            let id = try context.id(entity: "interaction")
            let body = try await JSONBody.decode(ParticipantRecordBody.self, from: request, context: context)
            let made = try await interactions.createContact(from: id, position: try Self.position(context),
                                                            allowDuplicates: body.allowDuplicates ?? false,
                                                            by: try context.requirePrincipal())
            return try JSONResponse.make(InteractionDTO(item: made.interaction, overdue: made.interaction.isOverdue(at: clock.now())),
                                         status: .created, version: made.interaction.version,
                                         headers: [.location: "/api/v1/contacts/\(made.contactID)"])
        }
        group.post("interactions/{id}/participants/{position}/company") { request, context in
            let id = try context.id(entity: "interaction")
            let body = try await JSONBody.decode(ParticipantRecordBody.self, from: request, context: context)
            let made = try await interactions.createCompany(from: id, position: try Self.position(context),
                                                            allowDuplicates: body.allowDuplicates ?? false,
                                                            by: try context.requirePrincipal())
            return try JSONResponse.make(InteractionDTO(item: made.interaction, overdue: made.interaction.isOverdue(at: clock.now())),
                                         status: .created, version: made.interaction.version,
                                         headers: [.location: "/api/v1/companies/\(made.companyID)"])
        }
    }

    func created(_ item: Interaction) throws -> Response {
        try JSONResponse.make(InteractionDTO(item: item, overdue: item.isOverdue(at: clock.now())), status: .created,
                              version: item.version, headers: [.location: "/api/v1/interactions/\(item.id)"])
    }

    /// The `{position}` of a participant, counted from 0; anything else is not found.
    static func position(_ context: RapportRequestContext) throws -> Int {
        guard let text = context.parameters.get("position"), let n = Int(text), n >= 0 else {
            throw RapportError.notFound(entity: "participant")
        }
        return n
    }

    /// The list's filters, shared with the pages.
    static func query(_ request: Request) throws -> InteractionStore.Query {
        let q = QueryReader(request: request)
        var query = InteractionStore.Query(
            mineOnly: (try q.string("view", maxLength: 10) ?? "mine") == "mine", pendingOnly: try q.bool("pending") ?? false,
            status: try q.oneOf("status", Interaction.Status.self), kind: try q.oneOf("kind", Interaction.Kind.self),
            purpose: try q.oneOf("type", Interaction.Purpose.self), priority: try q.oneOf("priority", Interaction.Priority.self),
            ownerID: try q.int64("owner_id"), threadID: try q.int64("thread_id"), from: try q.date("from"),
            before: try q.date("before"))
        if let view = try q.string("view", maxLength: 10), view != "mine", view != "all" {
            throw RapportError.invalid("view", "invalid", "view must be one of mine, all")
        }
        if let order = try q.string("order", maxLength: 10) {
            guard order == "asc" || order == "desc" else { throw RapportError.invalid("order", "invalid", "order must be asc or desc") }
            query.ascending = order == "asc"
        }
        if let entity = try q.string("link_entity", maxLength: 20) {
            guard WorkTask.Link.entities[entity] != nil else {
                throw RapportError.invalid("link_entity", "invalid", "link_entity must be company or contact")
            }
            guard let id = try q.int64("link_id") else {
                throw RapportError.invalid("link_id", "required", "link_id is required with link_entity")
            }
            query.record = .init(entity: entity, id: id)
        } else if try q.int64("link_id") != nil {
            throw RapportError.invalid("link_entity", "required", "link_entity is required with link_id")
        }
        return query
    }
}
