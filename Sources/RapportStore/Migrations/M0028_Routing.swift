/// Routing rules (who takes a lead that came by itself), and the lead's region and language
/// that rules (and forms, calls, messages) speak of.
struct M0028_Routing: Migration {
    let version = 28
    let name = "routing rules"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE routing_rules (
                id \(ddl.id),
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                active \(ddl.bool) NOT NULL,
                condition TEXT,
                pool TEXT NOT NULL,
                strategy TEXT NOT NULL,
                fallback_user_id BIGINT REFERENCES users(id),
                last_user_id BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "ALTER TABLE leads ADD COLUMN region TEXT",
            "ALTER TABLE leads ADD COLUMN language TEXT",
        ]
    }
}
