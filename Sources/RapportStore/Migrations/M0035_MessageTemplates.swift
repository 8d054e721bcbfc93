/// Templates of e-mails, SMS and documents, each save a version kept for ever.
struct M0035_MessageTemplates: Migration {
    let version = 35
    let name = "message templates"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE message_templates (
                id \(ddl.id),
                kind TEXT NOT NULL,
                code TEXT NOT NULL,
                name TEXT NOT NULL,
                subject TEXT NOT NULL,
                locale TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                current_version_id BIGINT,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX message_templates_code ON message_templates (code, locale)",
            """
            CREATE TABLE message_template_versions (
                id \(ddl.id),
                template_id BIGINT NOT NULL REFERENCES message_templates(id) ON DELETE CASCADE,
                number INTEGER NOT NULL,
                subject TEXT NOT NULL,
                html TEXT NOT NULL,
                text TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by BIGINT
            )
            """,
            "CREATE UNIQUE INDEX message_template_versions_number ON message_template_versions (template_id, number)",
        ]
    }
}
