import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What is sent to make or change a webhook subscription.
public struct WebhookInput: Sendable, Equatable, Decodable {
    public var name: String?
    public var url: String?
    public var events: [String]?
    public var active: Bool?

    public init(name: String? = nil, url: String? = nil, events: [String]? = nil, active: Bool? = nil) {
        self.name = name
        self.url = url
        self.events = events
        self.active = active
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case name, url, events, active }
}

/// Outgoing webhooks (P16): subscriptions (the settings right) to kinds of events; every
/// change recorded in a transaction queues, in that transaction, one outbox message per
/// subscription that wants it — a JSON body signed with the subscription's secret, retried by
/// the outbox until the receiver answers 2xx, logged per subscription.
public struct WebhookService: Sendable {
    let env: ServiceEnvironment
    let store = WebhookStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// Only for those who may change settings: deliveries carry records' changes whatever their scope.
    public func list(by principal: Principal) async throws -> [WebhookSubscription] {
        try Access.requireAny(principal, .update, .settings)
        return try await env.database.read { db in try await self.store.list(on: db) }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> (WebhookSubscription, [OutboxMessage]) {
        try Access.requireAny(principal, .update, .settings)
        return try await env.database.read { db in
            guard let found = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "webhook") }
            return (found, try await OutboxStore().list(webhookID: id, on: db))
        }
    }

    /// A new subscription with a new secret (shown in full this once).
    public func create(_ input: WebhookInput, by principal: Principal) async throws -> WebhookSubscription {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var v = Validator()
            if input.url == nil { v.add("url", "required", "url is required") }
            if input.events == nil { v.add("events", "required", "events is required (such as [\"lead.created\"] or [\"*\"])") }
            var hook = WebhookSubscription(name: "", url: "", events: [], secret: SecretGenerator.token(), createdAt: now, updatedAt: now)
            Self.apply(input, to: &hook, &v)
            try v.throwIfInvalid()
            hook.id = try await self.store.insert(hook, on: db)
            try await self.events.record("webhook", hook.id, .created, changes: Self.changes(nil, hook), by: principal.userID, on: db)
            return hook
        }
    }

    public func update(_ id: Int64, _ input: WebhookInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> WebhookSubscription
    {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let before = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "webhook") }
            try Access.requireVersion(expectedVersion, current: before.version)
            var v = Validator()
            var after = before
            Self.apply(input, to: &after, &v)
            try v.throwIfInvalid()
            after.updatedAt = now
            guard let version = try await self.store.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            let changes = Self.changes(before, after)
            if !changes.isEmpty { try await self.events.record("webhook", id, .updated, changes: changes, by: principal.userID, on: db) }
            return after
        }
    }

    public func delete(_ id: Int64, by principal: Principal) async throws {
        try Access.requireAny(principal, .update, .settings)
        try await env.database.transaction { db in
            guard let before = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "webhook") }
            try await self.store.delete(id: id, on: db)
            try await self.events.record("webhook", id, .deleted, changes: Self.changes(before, nil), by: principal.userID, on: db)
        }
    }

    static func apply(_ input: WebhookInput, to hook: inout WebhookSubscription, _ v: inout Validator) {
        if let name = input.name { hook.name = v.requireText(name, field: "name", maxLength: 100) }
        if hook.name.isEmpty, input.name == nil { hook.name = "Webhook" }
        if let url = input.url {
            let trimmed = url.trimmingCharacters(in: .whitespaces)
            if trimmed.count > 2000 || !(trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://")) || URL(string: trimmed)?.host == nil {
                v.add("url", "invalid", "url must be an http or https address")
            } else {
                hook.url = trimmed
            }
        }
        if let events = input.events {
            let kinds = events.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if kinds.isEmpty { v.add("events", "required", "name at least one kind of event") }
            for (index, kind) in kinds.enumerated() where !WebhookSubscription.isKnown(kind) {
                v.add("events[\(index)]", "invalid",
                      "`\(kind)` is not a kind of event: <record>.<created|updated|deleted|*> (records: \(WebhookSubscription.entities.joined(separator: ", "))) or *")
            }
            hook.events = Array(Set(kinds)).sorted()
        }
        if let active = input.active { hook.active = active }
    }

    static func changes(_ before: WebhookSubscription?, _ after: WebhookSubscription?) -> [FieldChange] {
        func fields(_ w: WebhookSubscription?) -> [(String, String?)] {
            guard let w else { return [] }
            return [("name", w.name), ("url", w.url), ("events", w.events.joined(separator: ", ")), ("active", String(w.active))]
        }
        return PipelineRecordRules.changes(fields(before), fields(after))
    }

    // MARK: delivery

    /// One event to every subscription that wants it, queued in the change's transaction.
    static func fanOut(_ entity: String, _ id: Int64, _ action: EventAction, changes: [FieldChange], by actorID: Int64?, at: Date,
                       on db: any SQLDatabase) async throws {
        guard WebhookSubscription.entities.contains(entity) else { return }
        let hooks = try await WebhookStore().list(on: db).filter { $0.wants(entity, action.rawValue) }
        guard !hooks.isEmpty else { return }
        for hook in hooks {
            let delivery = "wh_" + SecretGenerator.token().prefix(20)
            let payload = Payload(id: delivery, event: "\(entity).\(action.rawValue)", entity: entity, entityID: id,
                                  occurredAt: ISO8601.string(at), actorID: actorID,
                                  changes: changes.map { .init(field: $0.field, old: $0.old, new: $0.new) })
            var message = OutboxMessage(channel: .webhook, recipient: hook.url, body: JSONText.encode(payload),
                                        link: WorkTask.Link(entity: entity, id: id), idempotencyKey: delivery, createdBy: actorID,
                                        createdAt: at)
            message.webhookID = hook.id
            _ = try await OutboxStore().queue(message, on: db)
        }
    }

    /// The body of a webhook call.
    struct Payload: Encodable {
        struct Change: Encodable {
            var field: String
            var old: String?
            var new: String?
        }

        var id: String
        var event: String
        var entity: String
        var entityID: Int64
        var occurredAt: String
        var actorID: Int64?
        var changes: [Change]

        enum CodingKeys: String, CodingKey {
            case id, event, entity, changes
            case entityID = "entity_id", occurredAt = "occurred_at", actorID = "actor_id"
        }
    }

    /// Sends one queued call to its subscription: any answer but 2xx, or none, is tried again.
    func send(_ message: OutboxMessage) async throws -> DeliveryOutcome {
        guard let id = message.webhookID,
              let hook = try await env.database.read({ db in try await self.store.find(id: id, on: db) }) else {
            return .failed("the subscription was removed")
        }
        guard hook.active else { return .failed("the subscription is switched off") }
        do {
            _ = try await SignedPost.send(Data(message.body.utf8), to: hook.url, secret: hook.secret, who: "the receiver",
                                          timeout: .seconds(10))
            return .sent(providerID: nil)
        } catch RapportError.upstream(let reason) {
            return .retry(reason)
        }
    }
}
