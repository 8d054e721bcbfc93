/// The kinds of notification a person has turned off (none by default).
struct M0017_NotificationSettings: Migration {
    let version = 17
    let name = "notification settings"

    func statements(for dialect: DatabaseKind) -> [String] {
        [
            """
            CREATE TABLE notification_mutes (
                user_id BIGINT NOT NULL REFERENCES users(id),
                kind TEXT NOT NULL,
                PRIMARY KEY (user_id, kind)
            )
            """,
        ]
    }
}
