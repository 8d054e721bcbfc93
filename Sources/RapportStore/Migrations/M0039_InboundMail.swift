/// Incoming e-mail: each message taken once (by its Message-ID) and the card it landed on, so
/// replies thread; auto-replies marked in the outbox (once a day per sender, never answered).
struct M0039_InboundMail: Migration {
    let version = 39
    let name = "inbound mail"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE inbound_emails (
                id \(ddl.id),
                message_id TEXT,
                from_address TEXT NOT NULL,
                subject TEXT NOT NULL,
                link_entity TEXT NOT NULL,
                link_id BIGINT NOT NULL,
                interaction_id BIGINT,
                auto_reply_id BIGINT,
                received_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX inbound_emails_message ON inbound_emails (message_id)",
            "CREATE INDEX inbound_emails_link ON inbound_emails (link_entity, link_id)",
            "ALTER TABLE outbox_messages ADD COLUMN auto_reply BOOLEAN NOT NULL DEFAULT FALSE",
            "CREATE INDEX outbox_messages_message_id ON outbox_messages (message_id)",
            "CREATE INDEX outbox_messages_auto_reply ON outbox_messages (recipient, created_at) WHERE auto_reply = TRUE",
        ]
    }
}
