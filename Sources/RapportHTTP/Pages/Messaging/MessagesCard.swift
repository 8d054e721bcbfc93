import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// The "Messages" card of a lead or deal: what was sent about it (SMS, e-mails, messenger
/// replies) and how it went — queued with the next try, sent, delivered, failed with the
/// reason and "Send again"; and the page that writes a new one (`/messages/new`): from a
/// template or by hand, to the client's address or chat, with the record's files (e-mail).
struct MessagesCard {
    let pages: PageRenderer
    let outbox: OutboxService
    let messages: MessageService
    let attachments: AttachmentService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("messages/new") { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryReader(request: request)
            let link = try Self.link(query.string("link_entity", maxLength: 20), query.int64("link_id"))
            // Without a channel: the one the request came by.
            let asked = try query.string("channel", maxLength: 10).flatMap(OutboxMessage.Channel.init(rawValue:))
            let channel = if let asked, asked != .webhook { asked } else { try await messages.replyChannel(for: link, by: principal) }
            let draft = try await messages.prefill(channel: channel, link: link, templateID: try query.int64("template_id"), by: principal)
            // A document's "Send by e-mail" comes with its PDF ticked.
            let attach = try query.int64("attach").map { Set([$0]) } ?? []
            return try await compose(request, context, draft: draft, files: attach, errors: [:])
        }
        group.post("messages") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let link = try Self.link(form["link_entity"], form.id("link_id"))
            let files = form.values.keys.compactMap { $0.hasPrefix("file_") ? Int64($0.dropFirst(5)) : nil }.sorted()
            func given(_ key: String) -> String? { (form[key] ?? "").isEmpty ? nil : form[key] }
            let draft = MessageService.Draft(channel: form["channel"], linkEntity: link.entity, linkID: link.id, to: given("to"),
                                             templateID: form.id("template_id"), subject: form["subject"], text: form["text"],
                                             attachmentIDs: files, inReplyTo: given("in_reply_to"))
            do {
                _ = try await messages.send(draft, by: principal)
                return pages.redirect(to: RecordPaths.path(link.entity, link.id) + "#record-messages", flash: "flash_message_queued")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await compose(request, context, draft: draft, files: Set(files), errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("messages/{id}/resend") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let message = try await outbox.resend(try context.id(entity: "message"), by: principal)
            let back = localPath(form["return_to"]) ?? message.link.map { RecordPaths.path($0.entity, $0.id) } ?? "/"
            return pages.redirect(to: back + "#record-messages", flash: "flash_message_requeued")
        }
    }

    static func link(_ entity: String?, _ id: Int64?) throws -> WorkTask.Link {
        guard let entity, WorkTask.Link.entities[entity] != nil else {
            throw RapportError.invalid("link_entity", "required", "link_entity (company, contact, lead or deal) is required")
        }
        guard let id else { throw RapportError.invalid("link_id", "required", "link_id is required") }
        return WorkTask.Link(entity: entity, id: id)
    }

    /// The compose form: channel tabs, a template to start from, the address, subject, text and files.
    func compose(_ request: Request, _ context: RapportRequestContext, draft: MessageService.Draft, files chosen: Set<Int64>,
                 errors: [String: String]) async throws -> Response {
        let principal = try context.requirePrincipal()
        let link = try Self.link(draft.linkEntity, draft.linkID)
        let channel = OutboxMessage.Channel(rawValue: draft.channel ?? "") ?? .email
        let titleKey = switch channel {
        case .sms: "compose_sms"
        case .messenger: "compose_messenger"
        case .email, .webhook: "compose_email"
        }
        var model = try await pages.model(request, context, titleKey: titleKey, nav: link.entity + "s")
        let hasChat = try await !messages.chats(of: link, by: principal).isEmpty
        let owner = AttachmentService.Owner(rawValue: link.entity)
        var files: [Attachment] = []
        if channel == .email, let owner { files = try await attachments.list(of: owner, link.id, by: principal) }
        let base = "/messages/new?link_entity=\(link.entity)&link_id=\(link.id)"
        // The viewer's language first.
        let locale = pages.locale(request, context)
        let templates = try await messages.templates(channel: channel, about: link.entity)
            .sorted { ($0.locale == locale ? 0 : 1, $0.name) < ($1.locale == locale ? 0 : 1, $1.name) }
        model["compose"] = [
            "link_entity": link.entity, "link_id": link.id, "channel": channel.rawValue, "is_email": channel == .email,
            "is_sms": channel == .sms, "is_messenger": channel == .messenger, "heading": pages.text(titleKey, locale),
            "to_label": pages.text(channel == .email ? "compose_to_email" : channel == .sms ? "compose_to_phone" : "compose_to_chat", locale),
            "to_type": channel == .email ? "email" : channel == .sms ? "tel" : "text",
            "back": RecordPaths.path(link.entity, link.id), "email_url": base + "&channel=email", "sms_url": base + "&channel=sms",
            "messenger_url": hasChat || channel == .messenger ? base + "&channel=messenger" : "",
            "to": draft.to ?? "", "subject": draft.subject ?? "", "text": draft.text ?? "", "template_id": draft.templateID.map(String.init) ?? "",
            "in_reply_to": draft.inReplyTo ?? "",
            "has_templates": !templates.isEmpty, "has_files": !files.isEmpty,
            "templates": templates.map { t -> [String: Any] in
                ["id": t.id, "name": "\(t.name) (\(t.locale.rawValue))", "url": base + "&channel=\(channel.rawValue)&template_id=\(t.id)",
                 "current": t.id == draft.templateID]
            },
            "files": files.map { f -> [String: Any] in
                ["id": f.id, "name": f.fileName, "size": AttachmentPages.size(f.size, locale: pages.locale(request, context)), "checked": chosen.contains(f.id)]
            },
        ] as [String: Any]
        model["errors"] = errors
        return pages.render("message_compose", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func model(_ link: WorkTask.Link, by principal: Principal, locale: AppLocale) async throws -> [String: Any] {
        let list = try await outbox.messages(of: link, by: principal)
        let zone = principal.user.timeZone
        let canResend = principal.may(.update, WorkTask.Link.entities[link.entity] ?? .lead)
        let base = "/messages/new?link_entity=\(link.entity)&link_id=\(link.id)"
        let hasChat = try await !messages.chats(of: link, by: principal).isEmpty
        return [
            "messages_card": true, "can_write": canResend, "write_email_url": base + "&channel=email", "write_sms_url": base + "&channel=sms",
            "write_messenger_url": hasChat ? base + "&channel=messenger" : "",
            "reply_url": base,
            "record_messages": list.map { m -> [String: Any] in
                ["id": m.id, "channel": m.channel.label,
                 "recipient": m.recipient, "summary": String((m.subject ?? m.body).prefix(160)),
                 "state": m.state.rawValue, "state_label": pages.text("message_state_\(m.state.rawValue)", locale),
                 "when": Formatting.dateTime(m.sentAt ?? m.createdAt, locale: locale, timeZone: zone) ?? "",
                 "next": m.state == .queued && m.attempts > 0 ? Formatting.dateTime(m.nextAttemptAt, locale: locale, timeZone: zone) ?? "" : "",
                 "error": m.state == .failed || m.state == .queued ? m.lastError ?? "" : "",
                 "can_resend": canResend && m.state == .failed, "return_to": RecordPaths.path(link.entity, link.id)]
            },
        ]
    }
}
