/// Files attached to records; the bytes are in the file store, named by `storage_name`.
struct M0007_Attachments: Migration {
    let version = 7
    let name = "attachments"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE attachments (
                id \(ddl.id),
                entity TEXT NOT NULL,
                entity_id BIGINT NOT NULL,
                file_name TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                sha256 TEXT NOT NULL,
                storage_name TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                created_by BIGINT
            )
            """,
            "CREATE INDEX attachments_record ON attachments (entity, entity_id, id)",
            "CREATE UNIQUE INDEX attachments_storage ON attachments (storage_name)",
        ]
    }
}
