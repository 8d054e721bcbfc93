import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import ServiceLifecycle

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
                } else if n.kind == TimerService.interactionReminder, let text = n.body {
                    // "time · client · place · details": the time is shown in the reader's zone.
                    var parts = text.components(separatedBy: " · ")
                    if let first = parts.first, let start = ISO8601.parse(first) {
                        parts[0] = Formatting.dateTime(start, locale: locale, timeZone: zone) ?? first
                    }
                    body = parts.joined(separator: " · ")
                }
                return ["id": n.id, "unread": n.readAt == nil, "kind_label": pages.text("notification_\(n.kind)", locale),
                        "title": n.title, "body": body,
                        "when": Formatting.dateTime(n.createdAt, locale: locale, timeZone: zone) ?? ""]
            }
            model["empty"] = page.items.isEmpty
            if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
            return pages.render("notifications", model, request: request)
        }
        group.get("notifications/stream") { request, context in
            let principal = try context.requirePrincipal()
            let seconds = try QueryReader(request: request).int64("max_seconds").map { min(max($0, 1), 1800) } ?? 1800
            return stream(for: principal, seconds: Int(seconds))
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

    /// Server-sent events for an open page: `unread` with the count whenever it changes (and
    /// at once), `notification` with the newest one's kind, title and link when one arrives.
    /// It looks every two seconds, so it sees what any node of the cluster wrote; after
    /// `seconds` it ends and the browser reconnects by itself. A server shutting down ends it
    /// at once, so open pages never hold a restart up.
    func stream(for principal: Principal, seconds: Int) -> Response {
        let notifications = self.notifications
        var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var lastCount = -1, newest: Int64 = -1
            let end = ContinuousClock.now + .seconds(seconds)
            var beat = 0
            while ContinuousClock.now < end && !Task.isCancelled && !Task.isShuttingDownGracefully {
                let count = try await notifications.unreadCount(by: principal)
                let latest = try await notifications.list(unreadOnly: true, page: .init(limit: 1), by: principal).items.first
                var text = ""
                if count != lastCount { text += "event: unread\ndata: \(count)\n\n" }
                if let latest, newest >= 0, latest.id > newest {
                    let payload = JSONText.encode(["kind": latest.kind, "title": latest.title, "link": latest.link ?? ""])
                    text += "event: notification\ndata: \(payload)\n\n"
                }
                if text.isEmpty && beat % 10 == 0 { text = ": still here\n\n" }  // keeps proxies from closing it
                if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                lastCount = count
                newest = max(newest, latest?.id ?? 0)
                beat += 1
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(2)) }
                } catch {
                    break  // shutting down, or the answer was abandoned
                }
            }
            try await writer.finish(nil)
        })
    }
}
