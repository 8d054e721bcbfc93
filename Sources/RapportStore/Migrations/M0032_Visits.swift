/// Field visits: their kinds (a skill and a length), the visits booked, and the outbox rows of
/// messages to send (an SMS about a visit waits here for the messaging that delivers it).
struct M0032_Visits: Migration {
    let version = 32
    let name = "field visits"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE visit_kinds (
                id \(ddl.id),
                name TEXT NOT NULL,
                skill TEXT NOT NULL,
                minutes INTEGER NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE visits (
                id \(ddl.id),
                kind_id BIGINT NOT NULL REFERENCES visit_kinds(id),
                technician_id BIGINT NOT NULL REFERENCES users(id),
                start_at BIGINT NOT NULL,
                end_at BIGINT NOT NULL,
                address TEXT NOT NULL,
                region TEXT,
                comments TEXT,
                link_entity TEXT NOT NULL,
                link_id BIGINT NOT NULL,
                state TEXT NOT NULL,
                confirm_task_id BIGINT,
                technician_task_id BIGINT,
                results TEXT,
                created_by BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX visits_technician ON visits (technician_id, start_at)",
            "CREATE INDEX visits_link ON visits (link_entity, link_id)",
            """
            CREATE TABLE outbox_messages (
                id \(ddl.id),
                channel TEXT NOT NULL,
                recipient TEXT NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL,
                link_entity TEXT,
                link_id BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX outbox_messages_state ON outbox_messages (state, id)",
        ]
    }
}
