import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What the card sends to dial a number (click-to-call).
public struct DialInput: Sendable, Equatable, Decodable {
    public var number: String?
    /// The record the number was dialled from; when absent, the client or open lead with the number.
    public var linkEntity: String?
    public var linkID: Int64?
    /// Which PBX; when absent, the first active one that takes click-to-call requests.
    public var integrationID: Int64?

    public init(number: String? = nil, linkEntity: String? = nil, linkID: Int64? = nil, integrationID: Int64? = nil) {
        self.number = number
        self.linkEntity = linkEntity
        self.linkID = linkID
        self.integrationID = integrationID
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case number
        case linkEntity = "link_entity", linkID = "link_id", integrationID = "integration_id"
    }
}

extension TelephonyService {
    /// The body of a click-to-call request to the PBX (signed with the integration's secret).
    struct DialRequest: Encodable {
        struct Employee: Encodable {
            var id: Int64
            var email: String
            var phone: String?
            var name: String
        }

        var requestID: String
        var clientNumber: String
        var employee: Employee
        var link: WorkTask.Link?

        enum CodingKeys: String, CodingKey {
            case requestID = "request_id", clientNumber = "client_number", employee, link
        }
    }

    /// The PBX's answer: the id its call events will carry (our request id when it names none).
    struct DialAnswer: Decodable {
        var callID: String?
        enum CodingKeys: String, CodingKey { case callID = "call_id" }
    }

    /// Asks the PBX to ring the employee's phone and then the client's number (click-to-call).
    /// The call is recorded at once as an outgoing call of this employee about the record, so
    /// the PBX's events for it (answered, finished with the recording) land on the same card.
    /// The PBX failing or refusing is `upstream`, and nothing is recorded.
    public func dial(_ input: DialInput, by principal: Principal) async throws -> Call {
        var v = Validator()
        let number = v.requireText(input.number, field: "number", maxLength: 60)
        let phone = Phone.normalize(number)
        if !number.isEmpty, phone == nil { v.add("number", "invalid", "number is not a telephone number") }
        if (input.linkEntity == nil) != (input.linkID == nil) {
            v.add(input.linkEntity == nil ? "link_entity" : "link_id", "required", "link_entity and link_id go together")
        }
        try v.throwIfInvalid()
        let (integration, user, link) = try await env.database.read { db in
            let integration = try await self.clickToCallIntegration(input.integrationID, db)
            guard let user = try await UserStore().find(id: principal.userID, on: db) else { throw RapportError.unauthenticated }
            var link: WorkTask.Link?
            if let entity = input.linkEntity, let id = input.linkID {
                link = WorkTask.Link(entity: entity, id: id)
                guard try await LinkAccess.readableOwnership(link!, principal, db) != nil else {
                    throw RapportError.invalid("link_id", "not_found", "no \(entity) with id \(id)")
                }
            } else {
                link = try await self.owner(ofPhone: phone, db)
            }
            return (integration, user, link)
        }
        let requestID = "rapport-" + SecretGenerator.token().prefix(16)
        let body = try JSONEncoder().encode(DialRequest(
            requestID: requestID, clientNumber: phone!,
            employee: .init(id: user.id, email: user.email, phone: user.phoneE164 ?? user.phone, name: user.displayName), link: link))
        let answer = try await SignedPost.send(body, to: integration.settings.clickToCallURL!, secret: integration.secret,
                                               who: "the telephone exchange «\(integration.name)»")
        // The PBX may name its own id of the call; an answer without one (empty, or not the JSON
        // asked for) keeps ours, which its events then carry.
        var named: String?
        if !answer.body.isEmpty {
            do {
                named = try JSONDecoder().decode(DialAnswer.self, from: answer.body).callID.flatMap { $0.isEmpty ? nil : $0 }
            } catch {
                env.logger.notice("the PBX's click-to-call answer names no call id", metadata: ["integration": "\(integration.id)"])
            }
        }
        let callID = named ?? requestID
        let now = env.clock.now()
        return try await env.database.transaction { db in
            if let known = try await self.calls.findLocked(integrationID: integration.id, externalID: callID, on: db) { return known }
            var call = try await self.calls.insert(
                Call(integrationID: integration.id, externalID: callID, direction: .outgoing, clientNumber: number,
                     clientPhone: phone, startedAt: now, createdAt: now, updatedAt: now), on: db)
            // An outgoing call's "answeredBy" is who dialled; "answeredAt" waits for the client.
            call.link = link
            call.answeredBy = user.id
            try await self.calls.update(call, on: db)
            call.version += 1
            return call
        }
    }

    /// Whether a PBX takes click-to-call requests (cards offer the "Call" buttons then).
    public func clickToCallAvailable() async throws -> Bool {
        try await env.database.read { db in try await self.integrations.list(on: db).contains(where: \.takesClickToCall) }
    }

    /// The integration to dial through: the one named (active, telephony, with a click-to-call
    /// address) or the first such.
    func clickToCallIntegration(_ id: Int64?, _ db: any SQLDatabase) async throws -> Integration {
        let usable = try await integrations.list(on: db).filter(\.takesClickToCall)
        if let id {
            guard let named = usable.first(where: { $0.id == id }) else {
                throw RapportError.invalid("integration_id", "not_found", "no active telephony integration \(id) with a click-to-call address")
            }
            return named
        }
        guard let first = usable.first else {
            throw RapportError.conflict("no telephony integration takes click-to-call requests: set its click-to-call address")
        }
        return first
    }
}
