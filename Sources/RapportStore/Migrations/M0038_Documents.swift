/// Documents (P8): the company's legal details and pictures for them, each document made from
/// a template with its number and date, numbered per template code; a template's code unique
/// per kind and language.
struct M0038_Documents: Migration {
    let version = 38
    let name = "documents"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            "ALTER TABLE company_settings ADD COLUMN requisites TEXT NOT NULL DEFAULT '{}'",
            """
            CREATE TABLE documents (
                id \(ddl.id),
                entity TEXT NOT NULL,
                entity_id BIGINT NOT NULL,
                template_id BIGINT NOT NULL,
                template_version_id BIGINT NOT NULL,
                code TEXT NOT NULL,
                title TEXT NOT NULL,
                number BIGINT NOT NULL,
                document_date TEXT NOT NULL,
                attachment_id BIGINT NOT NULL,
                created_by BIGINT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX documents_record ON documents (entity, entity_id, id)",
            "CREATE UNIQUE INDEX documents_number ON documents (code, number)",
            "CREATE TABLE document_counters (code TEXT PRIMARY KEY, last_number BIGINT NOT NULL)",
            // A proposal's e-mail and its PDF share the code.
            "DROP INDEX message_templates_code",
            "CREATE UNIQUE INDEX message_templates_code ON message_templates (kind, code, locale)",
        ]
    }
}
