import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `POST /api/v1/inbound/email`: an incoming e-mail handed over by a mail server or a mail
/// provider's webhook — the raw RFC 5322 message (`message/rfc822`, `text/plain` or
/// `application/octet-stream`), or JSON with its parts. Needs a sign-in that may create leads.
struct InboundMailAPI {
    let inbound: InboundMailService
    /// The largest message taken (a 30 MB attachment in base64 is about 41 MB).
    static let maxBytes = 48 << 20

    struct Body: StrictInput {
        var from: String?
        var fromName: String?
        var to: String?
        var subject: String?
        var text: String?
        var html: String?
        var messageID: String?
        var inReplyTo: String?
        var references: [String]?
        var autoSubmitted: String?
        var attachments: [File]?

        struct File: Decodable, Sendable {
            var fileName: String?
            var contentType: String?
            var contentBase64: String?

            enum CodingKeys: String, CodingKey { case fileName = "file_name", contentType = "content_type", contentBase64 = "content_base64" }
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case from, to, subject, text, html, references, attachments
            case fromName = "from_name", messageID = "message_id", inReplyTo = "in_reply_to", autoSubmitted = "auto_submitted"
        }
        typealias Keys = CodingKeys
    }

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.post("inbound/email") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .lead) else { throw RapportError.forbidden }
            let type = request.headers[.contentType]?.lowercased() ?? ""
            let outcome: InboundMailService.Outcome
            if type.hasPrefix("application/json") {
                let data = Data(buffer: try await request.body.collect(upTo: Self.maxBytes))
                let body = try JSONBody.decode(Body.self, from: data)
                outcome = try await inbound.receive(try Self.mail(body))
            } else if type.isEmpty || type.hasPrefix("message/rfc822") || type.hasPrefix("text/plain") || type.hasPrefix("application/octet-stream") {
                let raw = Data(buffer: try await request.body.collect(upTo: Self.maxBytes))
                outcome = try await inbound.receive(raw: raw)
            } else {
                throw RapportHTTPError.unsupportedMediaType
            }
            return try JSONResponse.make(InboundMailDTO(outcome: outcome), status: outcome.duplicate ? .ok : .created)
        }
    }

    /// The JSON form as a parsed message (each bad part named).
    static func mail(_ body: Body) throws -> ParsedMail {
        var v = Validator()
        var mail = ParsedMail()
        if let from = body.from, let address = Email.normalize(from) {
            mail.from = MailAddress(address, name: body.fromName)
        } else {
            v.add("from", body.from == nil ? "required" : "invalid", "from must be the sender's e-mail address")
        }
        mail.to = (body.to.map { [MailAddress($0)] }) ?? []
        mail.subject = body.subject ?? ""
        mail.text = body.text ?? body.html.map(MIMEParser.plainText) ?? ""
        mail.html = body.html
        mail.messageID = body.messageID?.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        mail.inReplyTo = body.inReplyTo?.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        mail.references = (body.references ?? []).map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "<> ")) }
        mail.isAutomatic = body.autoSubmitted.map { $0.lowercased() != "no" } ?? false
        for (index, file) in (body.attachments ?? []).enumerated() {
            guard let encoded = file.contentBase64, let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                v.add("attachments[\(index)].content_base64", "invalid", "content_base64 must be the file in base64")
                continue
            }
            mail.attachments.append(.init(fileName: file.fileName ?? "attachment", contentType: file.contentType ?? "application/octet-stream",
                                          data: data))
        }
        try v.throwIfInvalid()
        return mail
    }
}

/// Where an incoming e-mail landed.
struct InboundMailDTO: Encodable {
    var outcome: InboundMailService.Outcome

    enum CodingKeys: String, CodingKey {
        case outcome, files, skipped
        case linkEntity = "link_entity", linkID = "link_id", newLead = "new_lead", interactionID = "interaction_id"
        case autoReplyID = "auto_reply_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(outcome.duplicate ? "duplicate" : "recorded", forKey: .outcome)
        try c.encode(outcome.link.entity, forKey: .linkEntity)
        try c.encode(outcome.link.id, forKey: .linkID)
        try c.encode(outcome.newLead, forKey: .newLead)
        try c.encode(outcome.interactionID, forKey: .interactionID)
        try c.encode(outcome.files, forKey: .files)
        try c.encode(outcome.skipped, forKey: .skipped)
        try c.encode(outcome.autoReplyID, forKey: .autoReplyID)
    }
}
