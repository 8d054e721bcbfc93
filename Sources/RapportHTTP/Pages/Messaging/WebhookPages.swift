import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/webhooks`: the outgoing webhook subscriptions — made with the kinds of events they
/// want (the secret shown once), switched off or on, and each one's latest deliveries.
struct WebhookPages {
    let pages: PageRenderer
    let webhooks: WebhookService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/webhooks") { request, context in
            try await list(request, context, values: [:], errors: [:], secret: nil)
        }
        group.post("admin/webhooks") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let events = Self.kinds.filter { form["event_\($0)"] != nil }
            do {
                let made = try await webhooks.create(WebhookInput(name: form["name"], url: form["url"], events: events), by: principal)
                // The secret is shown on this answer only (not through a redirect's address).
                return try await list(request, context, values: [:], errors: [:], secret: (made.name, made.secret))
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                var values = form.values
                values["events"] = events.joined(separator: ",")
                return try await list(request, context, values: values, errors: pages.errors(error, pages.locale(request, context)),
                                      secret: nil)
            }
        }
        group.post("admin/webhooks/{id}/active") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await webhooks.update(try context.id(entity: "webhook"), WebhookInput(active: form["active"] == "1"),
                                          expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/admin/webhooks", flash: "flash_saved")
        }
        group.post("admin/webhooks/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await webhooks.delete(try context.id(entity: "webhook"), by: principal)
            return pages.redirect(to: "/admin/webhooks", flash: "flash_deleted")
        }
    }

    /// The kinds of events offered as checkboxes: each record's any change, and everything.
    static let kinds = ["*"] + WebhookSubscription.entities.flatMap { entity in WebhookSubscription.actions.map { "\(entity).\($0)" } }

    func list(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String],
              secret: (name: String, secret: String)?) async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let zone = principal.user.timeZone
        var model = try await pages.model(request, context, titleKey: "webhooks_heading", nav: "webhooks")
        var hooks: [[String: Any]] = []
        for hook in try await webhooks.list(by: principal) {
            let (_, deliveries) = try await webhooks.get(hook.id, by: principal)
            hooks.append([
                "id": hook.id, "name": hook.name, "url": hook.url, "events": hook.events.joined(separator: ", "), "active": hook.active,
                "version": hook.version, "secret_hint": String(hook.secret.prefix(4)) + "…",
                "deliveries": deliveries.prefix(5).map { d -> [String: Any] in
                    ["state": d.state.rawValue, "state_label": pages.text("message_state_\(d.state.rawValue)", locale),
                     "when": Formatting.dateTime(d.sentAt ?? d.createdAt, locale: locale, timeZone: zone) ?? "",
                     "event": (d.link.map { "\($0.entity) #\($0.id)" }) ?? "", "error": d.lastError ?? ""]
                },
            ])
        }
        model["hooks"] = hooks
        let chosen = Set((values["events"] ?? "").split(separator: ",").map(String.init))
        model["kinds"] = Self.kinds.map { ["value": $0, "id": $0.replacingOccurrences(of: ".", with: "-").replacingOccurrences(of: "*", with: "all"),
                                           "checked": chosen.contains($0)] as [String: Any] }
        model["values"] = values
        model["errors"] = errors
        if let secret { model["new_secret"] = ["name": secret.name, "secret": secret.secret] }
        return pages.render("webhooks", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
