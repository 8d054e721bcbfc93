/// Messenger conversations: the chat a request came from (per lead webhook integration) and
/// the record it is about, so a later message of the same chat lands there and a reply goes
/// back to it; the outbox names the integration a messenger reply goes through.
struct M0040_MessengerChats: Migration {
    let version = 40
    let name = "messenger chats"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE messenger_chats (
                id \(ddl.id),
                integration_id BIGINT NOT NULL,
                chat_id TEXT NOT NULL,
                link_entity TEXT NOT NULL,
                link_id BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                last_message_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX messenger_chats_chat ON messenger_chats (integration_id, chat_id)",
            "CREATE INDEX messenger_chats_link ON messenger_chats (link_entity, link_id)",
            "ALTER TABLE outbox_messages ADD COLUMN integration_id BIGINT",
        ]
    }
}
