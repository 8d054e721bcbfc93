/// Outgoing webhooks: subscriptions to kinds of events, delivered through the outbox.
struct M0037_Webhooks: Migration {
    let version = 37
    let name = "outgoing webhooks"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE webhook_subscriptions (
                id \(ddl.id),
                name TEXT NOT NULL,
                url TEXT NOT NULL,
                events TEXT NOT NULL,
                secret TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "ALTER TABLE outbox_messages ADD COLUMN webhook_id BIGINT",
            "CREATE INDEX outbox_messages_webhook ON outbox_messages (webhook_id, id)",
        ]
    }
}
