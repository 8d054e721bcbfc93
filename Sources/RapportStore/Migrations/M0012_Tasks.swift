/// Tasks with their co-executors and observers (`task_members`) and comments.
struct M0012_Tasks: Migration {
    let version = 12
    let name = "tasks"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE tasks (
                id \(ddl.id),
                title TEXT NOT NULL,
                description TEXT,
                checklist \(ddl.json) NOT NULL DEFAULT '[]',
                owner_id BIGINT NOT NULL REFERENCES users(id),
                start_at BIGINT,
                deadline BIGINT,
                reminders TEXT NOT NULL DEFAULT '',
                priority TEXT NOT NULL,
                status TEXT NOT NULL,
                link_entity TEXT,
                link_id BIGINT,
                completed_at BIGINT,
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            // "Mine", newest deadline first within a status; the open ones by deadline for "overdue".
            "CREATE INDEX tasks_owner ON tasks (owner_id, status, deadline, id)",
            "CREATE INDEX tasks_open_deadline ON tasks (deadline, id) WHERE status NOT IN ('done', 'cancelled')",
            "CREATE INDEX tasks_creator ON tasks (created_by, id)",
            "CREATE INDEX tasks_link ON tasks (link_entity, link_id, id)",
            """
            CREATE TABLE task_members (
                task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                user_id BIGINT NOT NULL REFERENCES users(id),
                role TEXT NOT NULL,
                PRIMARY KEY (task_id, user_id, role)
            )
            """,
            "CREATE INDEX task_members_user ON task_members (user_id, role, task_id)",
            """
            CREATE TABLE task_comments (
                id \(ddl.id),
                task_id BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
                author_id BIGINT NOT NULL REFERENCES users(id),
                body TEXT NOT NULL,
                mentions TEXT NOT NULL DEFAULT '',
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX task_comments_task ON task_comments (task_id, id)",
        ]
    }
}
