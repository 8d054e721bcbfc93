/// Saved filters ("views") of list pages, per user.
struct M0004_SavedViews: Migration {
    let version = 4
    let name = "saved views"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE saved_views (
                id \(ddl.id),
                user_id BIGINT NOT NULL REFERENCES users(id),
                entity TEXT NOT NULL,
                name TEXT NOT NULL,
                query TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX saved_views_user ON saved_views (user_id, entity, id)",
        ]
    }
}
