import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// The "Messages" card of a lead or deal: what was sent about it (SMS, e-mails) and how it
/// went — queued with the next try, sent, delivered, failed with the reason and "Send again".
struct MessagesCard {
    let pages: PageRenderer
    let outbox: OutboxService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.post("messages/{id}/resend") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let message = try await outbox.resend(try context.id(entity: "message"), by: principal)
            let back = localPath(form["return_to"]) ?? message.link.map { RecordPaths.path($0.entity, $0.id) } ?? "/"
            return pages.redirect(to: back + "#record-messages", flash: "flash_message_requeued")
        }
    }

    func model(_ link: WorkTask.Link, by principal: Principal, locale: AppLocale) async throws -> [String: Any] {
        let list = try await outbox.messages(of: link, by: principal)
        let zone = principal.user.timeZone
        let canResend = principal.may(.update, WorkTask.Link.entities[link.entity] ?? .lead)
        return [
            "messages_card": true,
            "record_messages": list.map { m -> [String: Any] in
                ["id": m.id, "channel": m.channel == .sms ? "SMS" : m.channel == .email ? "E-mail" : "Webhook",
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
