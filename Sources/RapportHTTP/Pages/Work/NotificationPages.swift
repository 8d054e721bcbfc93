import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/notifications`: the person's notifications, newest first; opening one marks it read.
struct NotificationPages {
    let pages: PageRenderer
    let notifications: NotificationService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("notifications") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            let zone = principal.user.timeZone
            let page = try await notifications.list(page: try QueryReader(request: request).page(), by: principal)
            var model = try await pages.model(request, context, titleKey: "title_notifications")
            model["notifications"] = page.items.map { n -> [String: Any] in
                var body = n.body ?? ""
                if n.kind == TimerService.taskReminder, let deadline = n.body.flatMap(ISO8601.parse) {
                    body = pages.text("notification_deadline", locale) + ": "
                        + (Formatting.dateTime(deadline, locale: locale, timeZone: zone) ?? "")
                }
                return ["id": n.id, "unread": n.readAt == nil, "kind_label": pages.text("notification_\(n.kind)", locale),
                        "title": n.title, "body": body,
                        "when": Formatting.dateTime(n.createdAt, locale: locale, timeZone: zone) ?? ""]
            }
            model["empty"] = page.items.isEmpty
            if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
            return pages.render("notifications", model, request: request)
        }
        // Opening a notification marks it read and goes where it points.
        group.post("notifications/{id}") { request, context in
            let principal = try context.requirePrincipal()
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let notification = try await notifications.markRead(try context.id(entity: "notification"), by: principal)
            let link = notification.link.flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/notifications"
            return pages.redirect(to: link)
        }
        group.post("notifications/read-all") { request, context in
            let principal = try context.requirePrincipal()
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await notifications.markAllRead(by: principal)
            return pages.redirect(to: "/notifications")
        }
    }
}
