/// Service levels ("contacted within 10 working minutes") and every lead they watched: due
/// when, met or breached, and what was done about a breach (counted per employee).
struct M0030_ServiceLevels: Migration {
    let version = 30
    let name = "service levels"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE service_levels (
                id \(ddl.id),
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                active \(ddl.bool) NOT NULL,
                minutes INTEGER NOT NULL,
                pipeline_id BIGINT REFERENCES pipelines(id),
                stage_id BIGINT REFERENCES stages(id),
                source TEXT,
                action TEXT NOT NULL,
                notify_user_id BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE service_level_checks (
                id \(ddl.id),
                service_level_id BIGINT NOT NULL REFERENCES service_levels(id),
                lead_id BIGINT NOT NULL,
                task_id BIGINT NOT NULL,
                user_id BIGINT NOT NULL REFERENCES users(id),
                due_at BIGINT NOT NULL,
                state TEXT NOT NULL,
                acted_at BIGINT,
                new_user_id BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX service_level_checks_user ON service_level_checks (user_id, state, due_at)",
            "CREATE INDEX service_level_checks_state ON service_level_checks (state, due_at, id)",
        ]
    }
}
