import Foundation
import HTTPTypes
import Hummingbird
import RapportDomain
import RapportServices

extension CallEventInput: StrictInput { typealias Keys = CodingKeys }
extension IntegrationService.Input: StrictInput { typealias Keys = CodingKeys }
extension InboundLeadInput: StrictInput { typealias Keys = CodingKeys }
extension DialInput: StrictInput { typealias Keys = CodingKeys }

/// `/api/v1/integrations` (settings right) and the telephony webhook
/// `/api/v1/telephony/{id}/events`, which takes no token: each request is signed with the
/// integration's secret (`X-Rapport-Signature: sha256=<hex HMAC-SHA256 of the body>`).
struct TelephonyAPI {
    static let signatureHeader = HTTPField.Name("X-Rapport-Signature")!

    let integrations: IntegrationService
    let telephony: TelephonyService
    let inbound: InboundLeadService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("integrations") { _, context in
            let list = try await integrations.list(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map { IntegrationDTO(integration: $0, showSecret: false) }])
        }
        group.post("integrations") { request, context in
            let body = try await JSONBody.decode(IntegrationService.Input.self, from: request, context: context)
            let made = try await integrations.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(IntegrationDTO(integration: made, showSecret: true), status: .created, version: made.version,
                                         headers: [.location: "/api/v1/integrations/\(made.id)"])
        }
        group.get("integrations/{id}") { _, context in
            let found = try await integrations.get(try context.id(entity: "integration"), by: try context.requirePrincipal())
            return try JSONResponse.make(IntegrationDTO(integration: found, showSecret: false), version: found.version)
        }
        group.patch("integrations/{id}") { request, context in
            let id = try context.id(entity: "integration")
            let body = try await JSONBody.decode(IntegrationService.Input.self, from: request, context: context)
            let saved = try await integrations.update(id, body, expectedVersion: try request.ifMatchVersion(),
                                                      by: try context.requirePrincipal())
            return try JSONResponse.make(IntegrationDTO(integration: saved, showSecret: false), version: saved.version)
        }
        group.post("integrations/{id}/test-message") { request, context in
            let body = try await JSONBody.decode(TestMessageBody.self, from: request, context: context)
            let reply = try await integrations.sendTestMessage(try context.id(entity: "integration"), to: body.to,
                                                               by: try context.requirePrincipal())
            return try JSONResponse.make(["outcome": "sent", "reply": reply])
        }
        group.post("integrations/{id}/secret") { request, context in
            let saved = try await integrations.replaceSecret(try context.id(entity: "integration"),
                                                             expectedVersion: try request.ifMatchVersion(),
                                                             by: try context.requirePrincipal())
            return try JSONResponse.make(IntegrationDTO(integration: saved, showSecret: true), version: saved.version)
        }
    }

    /// Click-to-call: `POST /api/v1/calls/dial` asks the PBX to connect the caller and the number.
    func registerDial(on group: RouterGroup<RapportRequestContext>) {
        group.post("calls/dial") { request, context in
            let body = try await JSONBody.decode(DialInput.self, from: request, context: context)
            let call = try await telephony.dial(body, by: try context.requirePrincipal())
            return try JSONResponse.make(CallDTO(call: call), status: .accepted)
        }
    }

    /// The webhook, on a group that asks for no sign-in (the signature is its credential).
    func registerWebhook(on group: RouterGroup<RapportRequestContext>) {
        group.post("telephony/{id}/events") { request, context in
            let id = try context.id(entity: "integration")
            if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
                throw RapportHTTPError.unsupportedMediaType
            }
            let body = Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            let integration = try await telephony.signer(of: body, integrationID: id,
                                                         signature: request.headers[Self.signatureHeader])
            let input = try JSONBody.decode(CallEventInput.self, from: body)
            let (outcome, call) = try await telephony.handle(input, from: integration)
            return try JSONResponse.make(CallEventAnswerDTO(outcome: outcome, call: call))
        }
        group.post("inbound/{id}/leads") { request, context in
            let id = try context.id(entity: "integration")
            if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
                throw RapportHTTPError.unsupportedMediaType
            }
            let body = Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            let integration = try await telephony.signer(of: body, integrationID: id, signature: request.headers[Self.signatureHeader],
                                                         kind: .leadWebhook)
            let input = try JSONBody.decode(InboundLeadInput.self, from: body)
            let (duplicate, link) = try await inbound.receive(input, from: integration)
            return try JSONResponse.make(InboundAnswerDTO(outcome: duplicate ? "duplicate" : "recorded", linkEntity: link.entity,
                                                          linkID: link.id), status: duplicate ? .ok : .created)
        }
    }
}

/// Where "send a test message" sends it.
struct TestMessageBody: StrictInput {
    var to: String?
    enum CodingKeys: String, CodingKey, CaseIterable { case to }
    typealias Keys = CodingKeys
}

struct IntegrationDTO: Encodable {
    var integration: Integration
    /// The whole secret only when it was just made.
    var showSecret: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, name, active, source, secret, version, sms, smtp, messenger
        case passwordSet = "password_set"
        case secretHint = "secret_hint", clickToCallURL = "click_to_call_url", defaultOwnerID = "default_owner_id"
        case eventsURL = "events_url", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(integration.id, forKey: .id)
        try c.encode(integration.kind.rawValue, forKey: .kind)
        try c.encode(integration.name, forKey: .name)
        try c.encode(integration.active, forKey: .active)
        try c.encode(integration.settings.source, forKey: .source)
        try c.encode(integration.settings.clickToCallURL, forKey: .clickToCallURL)
        try c.encode(integration.settings.defaultOwnerID, forKey: .defaultOwnerID)
        if let sms = integration.settings.sms { try c.encode(sms, forKey: .sms) }
        if let messenger = integration.settings.messenger { try c.encode(messenger, forKey: .messenger) }
        if integration.kind == .smtp {
            // A password is never shown, not even a part of it.
            try c.encode(integration.settings.smtp, forKey: .smtp)
            try c.encode(!integration.secret.isEmpty, forKey: .passwordSet)
        } else {
            if showSecret { try c.encode(integration.secret, forKey: .secret) }
            try c.encode(String(integration.secret.prefix(4)) + "…", forKey: .secretHint)
        }
        let events: String? = switch integration.kind {
        case .telephony: "/api/v1/telephony/\(integration.id)/events"
        case .leadWebhook: "/api/v1/inbound/\(integration.id)/leads"
        case .smsGateway: "/api/v1/sms/\(integration.id)/reports?token=<secret>"
        case .smtp: nil
        }
        try c.encodeIfPresent(events, forKey: .eventsURL)
        try c.encode(ISO8601.string(integration.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(integration.updatedAt), forKey: .updatedAt)
        try c.encode(integration.version, forKey: .version)
    }
}

struct CallEventAnswerDTO: Encodable {
    var outcome: TelephonyService.Outcome
    var call: Call

    enum CodingKeys: String, CodingKey {
        case outcome, call
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(outcome.rawValue, forKey: .outcome)
        try c.encode(CallDTO(call: call), forKey: .call)
    }
}

struct CallDTO: Encodable {
    var call: Call

    enum CodingKeys: String, CodingKey {
        case id, direction, state, version
        case callID = "call_id", clientNumber = "client_number", clientPhone = "client_phone", lineNumber = "line_number"
        case answeredBy = "answered_by", startedAt = "started_at", answeredAt = "answered_at", endedAt = "ended_at"
        case durationSeconds = "duration_seconds", recordingURL = "recording_url", linkEntity = "link_entity", linkID = "link_id"
        case interactionID = "interaction_id", taskID = "task_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(call.id, forKey: .id)
        try c.encode(call.externalID, forKey: .callID)
        try c.encode(call.direction.rawValue, forKey: .direction)
        try c.encode(call.state.rawValue, forKey: .state)
        try c.encode(call.clientNumber, forKey: .clientNumber)
        try c.encode(call.clientPhone, forKey: .clientPhone)
        try c.encode(call.lineNumber, forKey: .lineNumber)
        try c.encode(call.answeredBy, forKey: .answeredBy)
        try c.encode(ISO8601.string(call.startedAt), forKey: .startedAt)
        try c.encode(call.answeredAt.map(ISO8601.string), forKey: .answeredAt)
        try c.encode(call.endedAt.map(ISO8601.string), forKey: .endedAt)
        try c.encode(call.durationSeconds, forKey: .durationSeconds)
        try c.encode(call.recordingURL, forKey: .recordingURL)
        try c.encode(call.link?.entity, forKey: .linkEntity)
        try c.encode(call.link?.id, forKey: .linkID)
        try c.encode(call.interactionID, forKey: .interactionID)
        try c.encode(call.taskID, forKey: .taskID)
        try c.encode(call.version, forKey: .version)
    }
}

struct InboundAnswerDTO: Encodable {
    var outcome: String
    var linkEntity: String
    var linkID: Int64

    enum CodingKeys: String, CodingKey {
        case outcome, linkEntity = "link_entity", linkID = "link_id"
    }
}
