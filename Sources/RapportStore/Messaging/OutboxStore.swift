import Foundation
import RapportDomain
import SQLKit

/// The outbox: messages queued in their change's transaction, claimed by delivery workers
/// under a lease, and what became of each.
public struct OutboxStore: Sendable {
    public init() {}

    static let columns = """
        id, channel, recipient, subject, body, html, attachments, state, attempts, next_attempt_at, last_error, link_entity,
        link_id, template_version_id, idempotency_key, message_id, in_reply_to, provider_id, created_by, created_at, sent_at,
        delivered_at, webhook_id, auto_reply, integration_id
        """

    /// Queues a message; with an idempotency key already used, the message queued then.
    public func queue(_ m: OutboxMessage, on db: any SQLDatabase) async throws -> OutboxMessage {
        if let key = m.idempotencyKey, let known = try await find(key: key, on: db) { return known }
        let id = try await db.raw("""
            INSERT INTO outbox_messages (channel, recipient, subject, body, html, attachments, state, attempts, next_attempt_at,
                link_entity, link_id, template_version_id, idempotency_key, message_id, in_reply_to, created_by, created_at, updated_at,
                webhook_id, auto_reply, integration_id)
            VALUES (\(bind: m.channel.rawValue), \(bind: m.recipient), \(bind: m.subject), \(bind: m.body), \(bind: m.html),
                \(bind: JSONText.encode(m.attachmentIDs)), 'queued', 0, \(bind: (m.nextAttemptAt ?? m.createdAt).millis),
                \(bind: m.link?.entity), \(bind: m.link?.id), \(bind: m.templateVersionID), \(bind: m.idempotencyKey),
                \(bind: m.messageID), \(bind: m.inReplyTo), \(bind: m.createdBy), \(bind: m.createdAt.millis), \(bind: m.createdAt.millis),
                \(bind: m.webhookID), \(bind: m.autoReply), \(bind: m.integrationID))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        var saved = m
        saved.id = id
        saved.nextAttemptAt = m.nextAttemptAt ?? m.createdAt
        return saved
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> OutboxMessage? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM outbox_messages WHERE id = \(bind: id)").first().map(Self.decode)
    }

    public func find(key: String, on db: any SQLDatabase) async throws -> OutboxMessage? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM outbox_messages WHERE idempotency_key = \(bind: key)").first()
            .map(Self.decode)
    }

    public func find(providerID: String, channel: OutboxMessage.Channel, on db: any SQLDatabase) async throws -> OutboxMessage? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM outbox_messages WHERE provider_id = \(bind: providerID) AND channel = \(bind: channel.rawValue)
            """).first().map(Self.decode)
    }

    /// A record's messages, newest first.
    public func list(link: WorkTask.Link, limit: Int = 100, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM outbox_messages WHERE link_entity = \(bind: link.entity) AND link_id = \(bind: link.id)
            ORDER BY id DESC LIMIT \(literal: limit)
            """).all().map(Self.decode)
    }

    /// A subscription's deliveries, newest first.
    public func list(webhookID: Int64, limit: Int = 100, on db: any SQLDatabase) async throws -> [OutboxMessage] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM outbox_messages WHERE webhook_id = \(bind: webhookID) ORDER BY id DESC LIMIT \(literal: limit)
            """).all().map(Self.decode)
    }

    /// Claims up to `limit` messages due now — queued ones whose time has come, and ones whose
    /// sender's lease ran out (it stopped mid-way) — for `lease` seconds.
    public func claimDue(now: Date, lease: TimeInterval, limit: Int, channels: [OutboxMessage.Channel], on db: any SQLDatabase)
        async throws -> [OutboxMessage]
    {
        let lock: SQLQueryString = db.dialect.name == "sqlite" ? "" : "FOR UPDATE SKIP LOCKED"
        let kinds = channels.map(\.rawValue)
        return try await db.raw("""
            UPDATE outbox_messages SET state = 'sending', lease_until = \(bind: now.addingTimeInterval(lease).millis),
                attempts = attempts + 1, updated_at = \(bind: now.millis)
            WHERE id IN (SELECT id FROM outbox_messages
                         WHERE channel IN (\(binds: kinds)) AND ((state = 'queued' AND next_attempt_at <= \(bind: now.millis))
                            OR (state = 'sending' AND lease_until < \(bind: now.millis)))
                         ORDER BY next_attempt_at, id LIMIT \(literal: limit) \(lock))
            RETURNING \(unsafeRaw: Self.columns)
            """).all().map(Self.decode).sorted { $0.id < $1.id }
    }

    /// How the try went: sent (with the gateway's id), or queued again for `retryAt`, or failed for good.
    public func finish(_ id: Int64, state: OutboxMessage.State, error: String?, retryAt: Date?, providerID: String?, messageID: String?,
                       now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE outbox_messages SET state = \(bind: state.rawValue), last_error = \(bind: error), lease_until = NULL,
                next_attempt_at = COALESCE(\(bind: retryAt?.millis), next_attempt_at),
                provider_id = COALESCE(\(bind: providerID), provider_id), message_id = COALESCE(\(bind: messageID), message_id),
                sent_at = CASE WHEN \(bind: state.rawValue) = 'sent' THEN \(bind: now.millis) ELSE sent_at END,
                updated_at = \(bind: now.millis)
            WHERE id = \(bind: id)
            """).run()
    }

    /// A delivery report: delivered (or failed after all), once.
    public func report(_ id: Int64, delivered: Bool, error: String?, at: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            UPDATE outbox_messages SET state = \(bind: delivered ? "delivered" : "failed"), last_error = \(bind: error),
                delivered_at = \(bind: delivered ? at.millis : nil), updated_at = \(bind: at.millis)
            WHERE id = \(bind: id) AND state = 'sent'
            RETURNING id
            """).first() != nil
    }

    /// A failed message queued again (the resend button): a fresh count of tries.
    public func requeue(_ id: Int64, now: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            UPDATE outbox_messages SET state = 'queued', attempts = 0, last_error = NULL, next_attempt_at = \(bind: now.millis),
                updated_at = \(bind: now.millis)
            WHERE id = \(bind: id) AND state = 'failed'
            RETURNING id
            """).first() != nil
    }

    /// How many messages are in each state (for the metrics and the benchmark).
    public func counts(on db: any SQLDatabase) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try await db.raw("SELECT state, COUNT(*) AS n FROM outbox_messages GROUP BY state").all() {
            out[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    static func decode(_ row: any SQLRow) throws -> OutboxMessage {
        var m = OutboxMessage(id: try row.decode(column: "id", as: Int64.self),
                              channel: OutboxMessage.Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .email,
                              recipient: try row.decode(column: "recipient", as: String.self),
                              subject: try row.decode(column: "subject", as: String?.self), body: try row.decode(column: "body", as: String.self),
                              html: try row.decode(column: "html", as: String?.self),
                              attachmentIDs: try JSONText.decode([Int64].self, try row.decode(column: "attachments", as: String.self)),
                              state: OutboxMessage.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .queued,
                              templateVersionID: try row.decode(column: "template_version_id", as: Int64?.self),
                              idempotencyKey: try row.decode(column: "idempotency_key", as: String?.self),
                              createdBy: try row.decode(column: "created_by", as: Int64?.self),
                              createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
        if let entity = try row.decode(column: "link_entity", as: String?.self), let id = try row.decode(column: "link_id", as: Int64?.self) {
            m.link = WorkTask.Link(entity: entity, id: id)
        }
        m.attempts = try row.decode(column: "attempts", as: Int.self)
        m.nextAttemptAt = try row.decode(column: "next_attempt_at", as: Int64?.self).map(Date.init(millis:))
        m.lastError = try row.decode(column: "last_error", as: String?.self)
        m.messageID = try row.decode(column: "message_id", as: String?.self)
        m.inReplyTo = try row.decode(column: "in_reply_to", as: String?.self)
        m.providerID = try row.decode(column: "provider_id", as: String?.self)
        m.sentAt = try row.decode(column: "sent_at", as: Int64?.self).map(Date.init(millis:))
        m.deliveredAt = try row.decode(column: "delivered_at", as: Int64?.self).map(Date.init(millis:))
        m.webhookID = try row.decode(column: "webhook_id", as: Int64?.self)
        m.autoReply = try row.decode(column: "auto_reply", as: Bool.self)
        m.integrationID = try row.decode(column: "integration_id", as: Int64?.self)
        return m
    }
}
