import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/api/v1/messages`: sending an e-mail or an SMS about a record, what was sent about it and
/// how it went, and sending a failed message again; `/api/v1/sms/{id}/reports`: an SMS gateway's delivery reports (outside
/// sign-in: the integration's secret comes as `token`).
extension MessageService.Draft: StrictInput { typealias Keys = CodingKeys }

struct MessagesAPI {
    let outbox: OutboxService
    let messages: MessageService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.post("messages") { request, context in
            let draft = try await JSONBody.decode(MessageService.Draft.self, from: request, context: context)
            let message = try await messages.send(draft, by: try context.requirePrincipal())
            return try JSONResponse.make(OutboxMessageDTO(message: message), status: .created,
                                         headers: [.location: "/api/v1/messages/\(message.id)"])
        }
        group.get("messages") { request, context in
            let query = QueryReader(request: request)
            guard let entity = try query.string("link_entity", maxLength: 20), WorkTask.Link.entities[entity] != nil else {
                throw RapportError.invalid("link_entity", "required", "link_entity (company, contact, lead or deal) is required")
            }
            guard let id = try query.int64("link_id") else { throw RapportError.invalid("link_id", "required", "link_id is required") }
            let list = try await outbox.messages(of: .init(entity: entity, id: id), by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map(OutboxMessageDTO.init)])
        }
        group.get("messages/{id}") { _, context in
            let message = try await outbox.message(try context.id(entity: "message"), by: try context.requirePrincipal())
            return try JSONResponse.make(OutboxMessageDTO(message: message))
        }
        group.post("messages/{id}/resend") { _, context in
            let message = try await outbox.resend(try context.id(entity: "message"), by: try context.requirePrincipal())
            return try JSONResponse.make(OutboxMessageDTO(message: message))
        }
    }

    /// The gateway's report, as query parameters, a form or a JSON object of text values.
    func registerReports(on group: RouterGroup<RapportRequestContext>) {
        for method in [HTTPRequest.Method.get, .post] {
            group.on("sms/{id}/reports", method: method) { request, context in
                var fields: [String: String] = [:]
                for (key, value) in request.uri.queryParameters { fields[String(key)] = String(value) }
                let body = try await request.body.collect(upTo: context.maxUploadSize)
                if body.readableBytes > 0 {
                    if request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true {
                        let parsed: Any
                        do { parsed = try JSONSerialization.jsonObject(with: Data(buffer: body)) } catch {
                            throw RapportHTTPError.malformedJSON("the report is not valid JSON")
                        }
                        guard let object = parsed as? [String: Any] else {
                            throw RapportHTTPError.malformedJSON("the report must be a JSON object")
                        }
                        for (key, value) in object { fields[key] = (value as? String) ?? "\(value)" }
                    } else {
                        fields.merge(PageForm(encoded: String(buffer: body)).values) { _, sent in sent }
                    }
                }
                let token = fields.removeValue(forKey: "token")
                let applied = try await outbox.report(integrationID: try context.id(entity: "integration"), token: token, fields: fields)
                return try JSONResponse.make(["outcome": applied ? "recorded" : "ignored"])
            }
        }
    }
}

struct OutboxMessageDTO: Encodable {
    var message: OutboxMessage

    enum CodingKeys: String, CodingKey {
        case id, channel, recipient, subject, body, html, state, attempts
        case attachmentIDs = "attachment_ids", inReplyTo = "in_reply_to"
        case nextAttemptAt = "next_attempt_at", lastError = "last_error", linkEntity = "link_entity", linkID = "link_id"
        case templateVersionID = "template_version_id", providerID = "provider_id", messageID = "message_id"
        case createdAt = "created_at", sentAt = "sent_at", deliveredAt = "delivered_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(message.id, forKey: .id)
        try c.encode(message.channel.rawValue, forKey: .channel)
        try c.encode(message.recipient, forKey: .recipient)
        try c.encode(message.subject, forKey: .subject)
        try c.encode(message.body, forKey: .body)
        try c.encode(message.html, forKey: .html)
        try c.encode(message.attachmentIDs, forKey: .attachmentIDs)
        try c.encode(message.inReplyTo, forKey: .inReplyTo)
        try c.encode(message.state.rawValue, forKey: .state)
        try c.encode(message.attempts, forKey: .attempts)
        try c.encode(message.state == .queued ? message.nextAttemptAt.map(ISO8601.string) : nil, forKey: .nextAttemptAt)
        try c.encode(message.lastError, forKey: .lastError)
        try c.encode(message.link?.entity, forKey: .linkEntity)
        try c.encode(message.link?.id, forKey: .linkID)
        try c.encode(message.templateVersionID, forKey: .templateVersionID)
        try c.encode(message.providerID, forKey: .providerID)
        try c.encode(message.messageID, forKey: .messageID)
        try c.encode(ISO8601.string(message.createdAt), forKey: .createdAt)
        try c.encode(message.sentAt.map(ISO8601.string), forKey: .sentAt)
        try c.encode(message.deliveredAt.map(ISO8601.string), forKey: .deliveredAt)
    }
}
