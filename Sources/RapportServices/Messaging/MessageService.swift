import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What a manager sends from a card: an e-mail, an SMS or a reply into the client's messenger
/// chat about a record, written by hand or from a template (then edited or not), to the
/// client's address unless another is given, with files of the record attached (e-mail). It is
/// queued in the outbox in one transaction with the record's history entry (a messenger reply
/// also as an outgoing interaction: the conversation on the timeline); the outbox's worker
/// delivers it.
public struct MessageService: Sendable {
    let env: ServiceEnvironment
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    public struct Draft: Sendable, Equatable, Decodable {
        public var channel: String?
        public var linkEntity: String?
        public var linkID: Int64?
        /// An e-mail address or a phone number; the client's when not given.
        public var to: String?
        public var templateID: Int64?
        /// What the manager wrote or changed: each replaces the template's text.
        public var subject: String?
        public var text: String?
        public var html: String?
        public var attachmentIDs: [Int64]?
        /// The Message-ID of the e-mail this answers (a reply in its thread).
        public var inReplyTo: String?

        public init(channel: String? = nil, linkEntity: String? = nil, linkID: Int64? = nil, to: String? = nil, templateID: Int64? = nil,
                    subject: String? = nil, text: String? = nil, html: String? = nil, attachmentIDs: [Int64]? = nil, inReplyTo: String? = nil) {
            self.channel = channel
            self.linkEntity = linkEntity
            self.linkID = linkID
            self.to = to
            self.templateID = templateID
            self.subject = subject
            self.text = text
            self.html = html
            self.attachmentIDs = attachmentIDs
            self.inReplyTo = inReplyTo
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case channel, to, subject, text, html
            case linkEntity = "link_entity", linkID = "link_id", templateID = "template_id", attachmentIDs = "attachment_ids"
            case inReplyTo = "in_reply_to"
        }
    }

    static let maxSMSLength = 1000
    static let maxMessengerLength = 4000
    static let maxSubjectLength = 500
    static let maxBodyLength = 200_000

    /// Queues the draft (a repeated request is the HTTP layer's `Idempotency-Key`'s to answer).
    public func send(_ draft: Draft, by principal: Principal) async throws -> OutboxMessage {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var v = Validator()
            let channel = OutboxMessage.Channel(rawValue: draft.channel ?? "")
            if channel == nil || channel == .webhook {
                v.add("channel", draft.channel == nil ? "required" : "invalid", "channel must be email, sms or messenger")
            }
            guard let entity = draft.linkEntity, let permission = WorkTask.Link.entities[entity] else {
                throw RapportError.invalid("link_entity", "required", "link_entity (company, contact, lead or deal) is required")
            }
            guard let id = draft.linkID else { throw RapportError.invalid("link_id", "required", "link_id is required") }
            let link = WorkTask.Link(entity: entity, id: id)
            guard let ownership = try await LinkAccess.readableOwnership(link, principal, db) else { throw RapportError.notFound(entity: entity) }
            try Access.require(principal, .update, permission, record: ownership)
            try v.throwIfInvalid()
            guard let channel else { throw RapportError.invalid("channel", "invalid", "channel must be email, sms or messenger") }

            var subject = draft.subject, text = draft.text, html = draft.html
            var versionID: Int64?
            if let templateID = draft.templateID {
                if let template = try await TemplateStore().find(id: templateID, on: db), template.active,
                   template.kind == Self.templateKind(channel) {
                    let filled = try await TemplateService(env: env).render(template, for: link, now: now, db)
                    subject = subject ?? filled.subject
                    // A text changed from the template's makes its HTML wrong: then the text alone goes, unless HTML is given too.
                    let textKept = text == nil || text?.trimmingCharacters(in: .whitespacesAndNewlines) == filled.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    text = text ?? filled.text
                    if html == nil, textKept, !filled.html.isEmpty { html = filled.html }
                    versionID = filled.versionID
                } else {
                    v.add("template_id", "not_found", "no active \(Self.templateKind(channel).rawValue) template with id \(templateID)")
                }
            }
            // A messenger reply goes to one of the record's chats, through its integration.
            var chat: (chat: MessengerChat, connector: Integration)?
            let recipient: String
            if channel == .messenger {
                chat = try await self.chat(draft.to, link, &v, db)
                recipient = chat?.chat.chatID ?? ""
            } else {
                recipient = try await self.recipient(draft.to, channel, link, &v, db)
            }
            text = text?.trimmingCharacters(in: .whitespacesAndNewlines)
            if (text ?? "").isEmpty && (html ?? "").isEmpty { v.add("text", "required", "the message has no text") }
            switch channel {
            case .sms:
                if (text ?? "").count > Self.maxSMSLength { v.add("text", "too_long", "an SMS must be at most \(Self.maxSMSLength) characters") }
                if html != nil { v.add("html", "not_allowed", "an SMS has no HTML") }
                if draft.attachmentIDs?.isEmpty == false { v.add("attachment_ids", "not_allowed", "an SMS carries no files") }
            case .messenger:
                if (text ?? "").count > Self.maxMessengerLength {
                    v.add("text", "too_long", "a messenger reply must be at most \(Self.maxMessengerLength) characters")
                }
                if html != nil { v.add("html", "not_allowed", "a messenger reply has no HTML") }
                if draft.attachmentIDs?.isEmpty == false { v.add("attachment_ids", "not_allowed", "files go by e-mail, not into a messenger chat") }
            default:
                subject = subject?.trimmingCharacters(in: .whitespacesAndNewlines)
                if (subject ?? "").isEmpty { v.add("subject", "required", "an e-mail needs a subject") }
                if (subject ?? "").count > Self.maxSubjectLength || subject?.contains(where: \.isNewline) == true {
                    v.add("subject", "invalid", "subject must be one line of at most \(Self.maxSubjectLength) characters")
                }
                if (text ?? "").count + (html ?? "").count > Self.maxBodyLength { v.add("text", "too_long", "the message is too long") }
            }
            let files = try await self.files(draft.attachmentIDs ?? [], of: link, &v, db)
            if let reply = draft.inReplyTo, reply.isEmpty || reply.count > 500 || reply.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) {
                v.add("in_reply_to", "invalid", "in_reply_to must be a Message-ID without angle brackets")
            }
            try v.throwIfInvalid()

            var message = OutboxMessage(channel: channel, recipient: recipient, subject: channel == .email ? subject : nil,
                                        body: text ?? "", html: html, attachmentIDs: files, link: link, templateVersionID: versionID,
                                        createdBy: principal.userID, createdAt: now)
            message.inReplyTo = draft.inReplyTo
            message.integrationID = chat?.connector.id
            let queued = try await OutboxService(env: env).queue(message, db)
            if case let (chat, connector)? = chat {
                try await MessengerChatStore().touch(integrationID: chat.integrationID, chatID: chat.chatID, link: link, at: now, on: db)
                _ = try await InteractionService(env: env).insert(
                    InteractionInput(kind: Interaction.Kind.messenger.rawValue, subject: connector.name,
                                     details: text, startAt: ISO8601.string(now), direction: "outgoing", ownerID: principal.userID,
                                     linkEntity: link.entity, linkID: link.id),
                    parent: nil, now: now, principal: principal, db)
            }
            try await self.events.record(entity, id, .updated,
                                         changes: [FieldChange(field: "message", old: nil, new: OutboxService.describe(queued, .queued, nil))],
                                         by: principal.userID, on: db)
            return queued
        }
    }

    /// A draft for the compose form: the client's address and, with a template, its subject and
    /// text filled for the record; an e-mail to a record the client last wrote to by e-mail
    /// answers that message (its thread, "Re:" its subject, to its sender). Nothing is checked
    /// beyond the record being readable.
    public func prefill(channel: OutboxMessage.Channel, link: WorkTask.Link, templateID: Int64?, by principal: Principal) async throws -> Draft {
        let now = env.clock.now()
        return try await env.database.read { db in
            guard try await LinkAccess.readableOwnership(link, principal, db) != nil else { throw RapportError.notFound(entity: link.entity) }
            let context = try await TemplateContext.load(link, locale: .en, now: now, env: env, db)
            let to = switch channel {
            case .email: context.values["client.email"]
            case .messenger: try await MessengerChatStore().list(link: link, on: db).first?.chatID
            default: context.values["client.phone"]
            }
            var draft = Draft(channel: channel.rawValue, linkEntity: link.entity, linkID: link.id, to: to)
            if let templateID, let template = try await TemplateStore().find(id: templateID, on: db), template.active,
               template.kind == Self.templateKind(channel) {
                let filled = try await TemplateService(env: env).render(template, for: link, now: now, db)
                draft.templateID = templateID
                draft.subject = filled.subject
                draft.text = filled.text
            }
            if channel == .email, let last = try await InboundMailStore().lastReceived(on: link, on: db) {
                draft.inReplyTo = last.messageID
                draft.to = last.fromAddress
                if draft.subject == nil {
                    draft.subject = last.subject.lowercased().hasPrefix("re:") ? last.subject : "Re: " + last.subject
                }
            }
            return draft
        }
    }

    /// The channel a reply goes out on (P8: the one the request came by): the messenger when
    /// the client last wrote in a chat (not by e-mail since) that can be answered, SMS for a lead that came by SMS,
    /// e-mail for one that came by e-mail; otherwise e-mail when the client has an address, else
    /// SMS when they have a phone.
    public func replyChannel(for link: WorkTask.Link, by principal: Principal) async throws -> OutboxMessage.Channel {
        let now = env.clock.now()
        return try await env.database.read { db in
            guard try await LinkAccess.readableOwnership(link, principal, db) != nil else { throw RapportError.notFound(entity: link.entity) }
            // The chat counts only when its integration can answer into it.
            if let chat = try await MessengerChatStore().list(link: link, on: db).first,
               let connector = try await IntegrationStore().find(id: chat.integrationID, on: db), connector.active,
               connector.settings.messenger != nil {
                let mail = try await InboundMailStore().lastReceived(on: link, on: db)
                if mail.map({ $0.receivedAt <= chat.lastMessageAt }) ?? true { return .messenger }
            }
            if link.entity == "lead", let source = try await LeadStore().find(id: link.id, on: db)?.source?.lowercased() {
                if ["sms", "смс"].contains(source) { return .sms }
                if ["e-mail", "email", "почта"].contains(source) { return .email }
            }
            let context = try await TemplateContext.load(link, locale: .en, now: now, env: env, db)
            return context.values["client.email"] == nil && context.values["client.phone"] != nil ? .sms : .email
        }
    }

    /// The record's messenger chats, the one the client wrote in last first.
    public func chats(of link: WorkTask.Link, by principal: Principal) async throws -> [MessengerChat] {
        try await env.database.read { db in
            guard try await LinkAccess.readableOwnership(link, principal, db) != nil else { throw RapportError.notFound(entity: link.entity) }
            return try await MessengerChatStore().list(link: link, on: db)
        }
    }

    /// The active templates a message about `link` on `channel` may start from.
    public func templates(channel: OutboxMessage.Channel, about entity: String) async throws -> [MessageTemplate] {
        try await env.database.read { db in
            try await TemplateStore().list(on: db).filter { $0.active && $0.kind == Self.templateKind(channel) && $0.subject.rawValue == entity }
        }
    }

    /// The kind of template a message on `channel` starts from: a messenger reply is short
    /// plain text, like an SMS, and takes the SMS templates.
    static func templateKind(_ channel: OutboxMessage.Channel) -> MessageTemplate.Kind {
        switch channel {
        case .email: .email
        case .sms, .messenger, .webhook: .sms
        }
    }

    /// The record's chat the reply goes to — the one named in `to`, else the one the client
    /// wrote in last — and the integration whose connector takes it.
    func chat(_ given: String?, _ link: WorkTask.Link, _ v: inout Validator, _ db: any SQLDatabase) async throws
        -> (chat: MessengerChat, connector: Integration)?
    {
        let chats = try await MessengerChatStore().list(link: link, on: db)
        let wanted = given?.trimmingCharacters(in: .whitespaces) ?? ""
        guard let chat = wanted.isEmpty ? chats.first : chats.first(where: { $0.chatID == wanted }) else {
            if wanted.isEmpty {
                v.add("to", "required", "the client has not written by a messenger: there is no chat to reply to")
            } else {
                v.add("to", "not_found", "\(wanted) is not a messenger chat of this \(link.entity)")
            }
            return nil
        }
        guard let connector = try await IntegrationStore().find(id: chat.integrationID, on: db), connector.active,
              connector.settings.messenger != nil
        else {
            v.add("channel", "not_configured", "the messenger's integration has no outgoing connector: set its messenger settings")
            return nil
        }
        return (chat, connector)
    }

    /// The address given, or the client's: an e-mail address for an e-mail, a number in E.164 for an SMS.
    func recipient(_ given: String?, _ channel: OutboxMessage.Channel, _ link: WorkTask.Link, _ v: inout Validator,
                   _ db: any SQLDatabase) async throws -> String {
        var address = given?.trimmingCharacters(in: .whitespaces)
        if address?.isEmpty ?? true {
            let context = try await TemplateContext.load(link, locale: .en, now: env.clock.now(), env: env, db)
            address = channel == .email ? context.values["client.email"] : context.values["client.phone"]
            guard let address, !address.isEmpty else {
                v.add("to", "required", channel == .email ? "the client has no e-mail address: give one in to" : "the client has no phone number: give one in to")
                return ""
            }
        }
        if channel == .email {
            guard let normalized = Email.normalize(address ?? ""), SMTPCommand.isSafeAddress(normalized) else {
                v.add("to", "invalid", "to is not an e-mail address")
                return ""
            }
            return normalized
        }
        guard let phone = Phone.normalize(address ?? "") else {
            v.add("to", "invalid", "to is not a phone number")
            return ""
        }
        return phone
    }

    /// The files to attach: each must be one of the record's.
    func files(_ ids: [Int64], of link: WorkTask.Link, _ v: inout Validator, _ db: any SQLDatabase) async throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        if ids.count > 20 { v.add("attachment_ids", "too_many", "at most 20 files go with one message") }
        var total: Int64 = 0
        for id in Set(ids) {
            guard let file = try await AttachmentStore().find(id: id, on: db), file.entity == link.entity, file.entityID == link.id else {
                v.add("attachment_ids", "not_found", "file \(id) is not one of this \(link.entity)'s files")
                continue
            }
            total += file.size
        }
        if total > Int64(env.maxAttachmentBytes) { v.add("attachment_ids", "too_large", "the files together are larger than one message may carry") }
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }
}
