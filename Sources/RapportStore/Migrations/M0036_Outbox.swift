/// The outbox grows into the delivery queue of every message: subject and HTML, attachments,
/// tries and their pauses, the lease of the worker sending it, what the server or gateway said,
/// the template version used, the e-mail thread, an idempotency key.
struct M0036_Outbox: Migration {
    let version = 36
    let name = "outbox delivery"

    func statements(for dialect: DatabaseKind) -> [String] {
        let columns = [
            "subject TEXT", "html TEXT", "attachments TEXT NOT NULL DEFAULT '[]'", "template_version_id BIGINT",
            "idempotency_key TEXT", "attempts INTEGER NOT NULL DEFAULT 0", "next_attempt_at BIGINT", "lease_until BIGINT",
            "last_error TEXT", "message_id TEXT", "in_reply_to TEXT", "provider_id TEXT", "created_by BIGINT", "sent_at BIGINT",
            "delivered_at BIGINT", "updated_at BIGINT",
        ]
        return columns.map { "ALTER TABLE outbox_messages ADD COLUMN \($0)" } + [
            "UPDATE outbox_messages SET next_attempt_at = created_at, updated_at = created_at",
            "CREATE UNIQUE INDEX outbox_messages_key ON outbox_messages (idempotency_key)",
            "CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at, id) WHERE state = 'queued'",
            "CREATE INDEX outbox_messages_link ON outbox_messages (link_entity, link_id, id)",
            "CREATE INDEX outbox_messages_provider ON outbox_messages (provider_id)",
        ]
    }
}
