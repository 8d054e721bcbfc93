/// Custom fields: their definitions, and one JSON column of values on each client record
/// (`jsonb` on PostgreSQL, JSON1 text on SQLite). Indexes on single fields are made by
/// `CustomFieldStore` when an administrator marks a field filterable or sortable.
struct M0005_CustomFields: Migration {
    let version = 5
    let name = "custom fields"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE custom_fields (
                id \(ddl.id),
                entity TEXT NOT NULL,
                code TEXT NOT NULL,
                label TEXT NOT NULL,
                type TEXT NOT NULL,
                options TEXT NOT NULL DEFAULT '[]',
                link_entity TEXT,
                currency TEXT,
                required \(ddl.bool) NOT NULL DEFAULT FALSE,
                filterable \(ddl.bool) NOT NULL DEFAULT FALSE,
                sortable \(ddl.bool) NOT NULL DEFAULT FALSE,
                show_in_list \(ddl.bool) NOT NULL DEFAULT FALSE,
                position INTEGER NOT NULL DEFAULT 0,
                archived \(ddl.bool) NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL DEFAULT 1
            )
            """,
            "CREATE UNIQUE INDEX custom_fields_code ON custom_fields (entity, code)",
            "ALTER TABLE companies ADD COLUMN custom \(ddl.json) NOT NULL DEFAULT '{}'",
            "ALTER TABLE contacts ADD COLUMN custom \(ddl.json) NOT NULL DEFAULT '{}'",
        ]
    }
}
