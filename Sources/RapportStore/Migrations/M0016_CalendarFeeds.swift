/// Each person's secret calendar feed address, kept as a hash like every secret.
struct M0016_CalendarFeeds: Migration {
    let version = 16
    let name = "calendar feeds"

    func statements(for dialect: DatabaseKind) -> [String] {
        [
            """
            CREATE TABLE calendar_feeds (
                user_id BIGINT PRIMARY KEY REFERENCES users(id),
                token_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX calendar_feeds_token ON calendar_feeds (token_hash)",
        ]
    }
}
