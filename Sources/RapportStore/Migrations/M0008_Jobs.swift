/// The durable job queue.
struct M0008_Jobs: Migration {
    let version = 8
    let name = "jobs"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE jobs (
                id \(ddl.id),
                kind TEXT NOT NULL,
                payload TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                run_at BIGINT NOT NULL,
                locked_by TEXT,
                locked_until BIGINT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                created_by BIGINT
            )
            """,
            "CREATE INDEX jobs_due ON jobs (state, run_at, id)",
        ]
    }
}
