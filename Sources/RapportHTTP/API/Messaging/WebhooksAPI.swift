import Foundation
import Hummingbird
import RapportDomain
import RapportServices

extension WebhookInput: StrictInput { typealias Keys = CodingKeys }

/// `/api/v1/webhooks`: outgoing webhook subscriptions (the settings right) and each one's
/// deliveries.
struct WebhooksAPI {
    let webhooks: WebhookService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("webhooks") { _, context in
            let list = try await webhooks.list(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map { WebhookDTO(hook: $0, showSecret: false, deliveries: nil) }])
        }
        group.post("webhooks") { request, context in
            let body = try await JSONBody.decode(WebhookInput.self, from: request, context: context)
            let made = try await webhooks.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(WebhookDTO(hook: made, showSecret: true, deliveries: nil), status: .created, version: made.version,
                                         headers: [.location: "/api/v1/webhooks/\(made.id)"])
        }
        group.get("webhooks/{id}") { _, context in
            let (hook, deliveries) = try await webhooks.get(try context.id(entity: "webhook"), by: try context.requirePrincipal())
            return try JSONResponse.make(WebhookDTO(hook: hook, showSecret: false, deliveries: deliveries), version: hook.version)
        }
        group.patch("webhooks/{id}") { request, context in
            let id = try context.id(entity: "webhook")
            let body = try await JSONBody.decode(WebhookInput.self, from: request, context: context)
            let saved = try await webhooks.update(id, body, expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(WebhookDTO(hook: saved, showSecret: false, deliveries: nil), version: saved.version)
        }
        group.delete("webhooks/{id}") { _, context in
            try await webhooks.delete(try context.id(entity: "webhook"), by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}

struct WebhookDTO: Encodable {
    var hook: WebhookSubscription
    var showSecret: Bool
    var deliveries: [OutboxMessage]?

    enum CodingKeys: String, CodingKey {
        case id, name, url, events, active, secret, deliveries, version
        case secretHint = "secret_hint", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hook.id, forKey: .id)
        try c.encode(hook.name, forKey: .name)
        try c.encode(hook.url, forKey: .url)
        try c.encode(hook.events, forKey: .events)
        try c.encode(hook.active, forKey: .active)
        if showSecret { try c.encode(hook.secret, forKey: .secret) }
        try c.encode(String(hook.secret.prefix(4)) + "…", forKey: .secretHint)
        if let deliveries { try c.encode(deliveries.map(OutboxMessageDTO.init), forKey: .deliveries) }
        try c.encode(ISO8601.string(hook.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(hook.updatedAt), forKey: .updatedAt)
        try c.encode(hook.version, forKey: .version)
    }
}
