/// Interactions (calls, e-mails, meetings, visits, notes…) and who took part in them.
struct M0018_Interactions: Migration {
    let version = 18
    let name = "interactions"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE interactions (
                id \(ddl.id),
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                details TEXT,
                start_at BIGINT NOT NULL,
                duration_minutes INTEGER,
                channel TEXT,
                direction TEXT,
                priority TEXT NOT NULL,
                purpose TEXT,
                state TEXT NOT NULL,
                status TEXT NOT NULL,
                advertising_source TEXT,
                owner_id BIGINT NOT NULL REFERENCES users(id),
                result TEXT,
                link_entity TEXT,
                link_id BIGINT,
                thread_id BIGINT NOT NULL,
                thread_key TEXT NOT NULL,
                parent_id BIGINT,
                reminders TEXT NOT NULL DEFAULT '',
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            // A client's timeline, newest first.
            "CREATE INDEX interactions_link ON interactions (link_entity, link_id, start_at, id)",
            // Finding the chain a new interaction about the same client and subject joins.
            "CREATE INDEX interactions_thread_key ON interactions (link_entity, link_id, thread_key)",
            "CREATE INDEX interactions_thread ON interactions (thread_id, start_at, id)",
            // The responsible's queue and calendar.
            "CREATE INDEX interactions_owner ON interactions (owner_id, status, start_at, id)",
            // Everyone's pending work, by time.
            "CREATE INDEX interactions_planned ON interactions (start_at, id) WHERE status = 'planned'",
            """
            CREATE TABLE interaction_participants (
                interaction_id BIGINT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                ref_id BIGINT,
                name TEXT,
                PRIMARY KEY (interaction_id, position)
            )
            """,
            "CREATE INDEX interaction_participants_ref ON interaction_participants (kind, ref_id, interaction_id)",
        ]
    }
}
