import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// A notification as the API shows it.
struct NotificationDTO: Encodable {
    var id: Int64
    var kind: String
    var title: String
    var body: String?
    var link: String?
    var createdAt: String
    var readAt: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, title, body, link
        case createdAt = "created_at", readAt = "read_at"
    }

    init(_ n: AppNotification) {
        id = n.id; kind = n.kind; title = n.title; body = n.body; link = n.link
        createdAt = ISO8601.string(n.createdAt); readAt = n.readAt.map(ISO8601.string)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(title, forKey: .title)
        try c.encode(body, forKey: .body)
        try c.encode(link, forKey: .link)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(readAt, forKey: .readAt)
    }
}

struct NotificationSettingsBody: StrictInput {
    var enabled: [String]?

    enum CodingKeys: String, CodingKey, CaseIterable { case enabled }
    typealias Keys = CodingKeys
}

/// `/api/v1/notifications`: the caller's own notifications; `/api/v1/notification-settings`:
/// which kinds they receive.
struct NotificationsAPI {
    let notifications: NotificationService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("notifications") { request, context in
            let query = QueryReader(request: request)
            let page = try await notifications.list(unreadOnly: try query.bool("unread") ?? false, page: try query.page(),
                                                    by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page) { NotificationDTO($0) })
        }
        group.get("notifications/unread-count") { _, context in
            try JSONResponse.make(["unread": try await notifications.unreadCount(by: try context.requirePrincipal())])
        }
        group.post("notifications/read-all") { _, context in
            try JSONResponse.make(["marked": try await notifications.markAllRead(by: try context.requirePrincipal())])
        }
        group.get("notification-settings") { _, context in
            let enabled = try await notifications.enabledKinds(by: try context.requirePrincipal())
            return try JSONResponse.make(["kinds": NotificationService.kinds, "enabled": enabled])
        }
        group.put("notification-settings") { request, context in
            let body = try await JSONBody.decode(NotificationSettingsBody.self, from: request, context: context)
            guard let wanted = body.enabled else {
                throw RapportError.invalid("enabled", "required", "enabled lists the kinds to receive (may be empty)")
            }
            let enabled = try await notifications.setEnabledKinds(wanted, by: try context.requirePrincipal())
            return try JSONResponse.make(["kinds": NotificationService.kinds, "enabled": enabled])
        }
        group.post("notifications/{id}/read") { _, context in
            let notification = try await notifications.markRead(try context.id(entity: "notification"),
                                                                by: try context.requirePrincipal())
            return try JSONResponse.make(NotificationDTO(notification))
        }
    }
}
