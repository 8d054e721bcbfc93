import Foundation
import RapportDomain
import SQLKit

/// Webhook subscriptions, and the deliveries of each (its outbox messages).
public struct WebhookStore: Sendable {
    public init() {}

    static let columns = "id, name, url, events, secret, active, created_at, updated_at, version"
    static let memoKey = "webhook_subscriptions"

    /// Every subscription, read once per transaction (every write here forgets them).
    public func list(on db: any SQLDatabase) async throws -> [WebhookSubscription] {
        try await TransactionMemo.read(Self.memoKey) {
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM webhook_subscriptions ORDER BY id").all().map(Self.decode)
        }
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> WebhookSubscription? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM webhook_subscriptions WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func insert(_ w: WebhookSubscription, on db: any SQLDatabase) async throws -> Int64 {
        TransactionMemo.current?.forget(Self.memoKey)
        return try await db.raw("""
            INSERT INTO webhook_subscriptions (name, url, events, secret, active, created_at, updated_at, version)
            VALUES (\(bind: w.name), \(bind: w.url), \(bind: JSONText.encode(w.events)), \(bind: w.secret), \(bind: w.active),
                \(bind: w.createdAt.millis), \(bind: w.updatedAt.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func update(_ w: WebhookSubscription, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        TransactionMemo.current?.forget(Self.memoKey)
        return try await db.raw("""
            UPDATE webhook_subscriptions SET name = \(bind: w.name), url = \(bind: w.url), events = \(bind: JSONText.encode(w.events)),
                secret = \(bind: w.secret), active = \(bind: w.active), updated_at = \(bind: w.updatedAt.millis), version = version + 1
            WHERE id = \(bind: w.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        TransactionMemo.current?.forget(Self.memoKey)
        try await db.raw("DELETE FROM webhook_subscriptions WHERE id = \(bind: id)").run()
    }

    static func decode(_ row: any SQLRow) throws -> WebhookSubscription {
        WebhookSubscription(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                            url: try row.decode(column: "url", as: String.self),
                            events: try JSONText.decode([String].self, try row.decode(column: "events", as: String.self)),
                            secret: try row.decode(column: "secret", as: String.self), active: try row.decode(column: "active", as: Bool.self),
                            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                            version: try row.decode(column: "version", as: Int64.self))
    }
}
