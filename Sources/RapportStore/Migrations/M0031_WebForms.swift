/// Web forms, the page a lead came from, and the requests outside systems sent (each once).
struct M0031_WebForms: Migration {
    let version = 31
    let name = "web forms"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE web_forms (
                id \(ddl.id),
                name TEXT NOT NULL,
                slug TEXT NOT NULL UNIQUE,
                secret TEXT NOT NULL,
                fields TEXT NOT NULL,
                thank_you TEXT NOT NULL,
                source TEXT NOT NULL,
                active \(ddl.bool) NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE inbound_requests (
                integration_id BIGINT NOT NULL REFERENCES integrations(id),
                external_id TEXT NOT NULL,
                link_entity TEXT NOT NULL,
                link_id BIGINT NOT NULL,
                received_at BIGINT NOT NULL,
                PRIMARY KEY (integration_id, external_id)
            )
            """,
            "ALTER TABLE leads ADD COLUMN referrer TEXT",
        ]
    }
}
