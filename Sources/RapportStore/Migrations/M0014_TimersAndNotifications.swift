/// Durable timers (a task's reminder, later a service level) and the in-app notifications
/// they and other events leave for people. A notification's `source` is unique, so whatever
/// makes one twice (a timer fired again after a crash) makes it once.
struct M0014_TimersAndNotifications: Migration {
    let version = 14
    let name = "timers and notifications"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE timers (
                id \(ddl.id),
                kind TEXT NOT NULL,
                ref_id BIGINT NOT NULL,
                due_at BIGINT NOT NULL,
                state TEXT NOT NULL,
                fired_at BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX timers_due ON timers (due_at, id) WHERE state = 'pending'",
            "CREATE INDEX timers_ref ON timers (kind, ref_id)",
            """
            CREATE TABLE notifications (
                id \(ddl.id),
                user_id BIGINT NOT NULL REFERENCES users(id),
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                body TEXT,
                link TEXT,
                source TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                read_at BIGINT
            )
            """,
            "CREATE UNIQUE INDEX notifications_source ON notifications (source, user_id)",
            "CREATE INDEX notifications_user ON notifications (user_id, id)",
            "CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL",
        ]
    }
}
