/// Imports of clients from files: each import, its rejected rows, and the column mappings
/// people used before (offered again for a file with the same columns).
struct M0009_Imports: Migration {
    let version = 9
    let name = "imports"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE imports (
                id \(ddl.id),
                entity TEXT NOT NULL,
                file_name TEXT NOT NULL,
                storage_name TEXT NOT NULL,
                format TEXT NOT NULL,
                columns TEXT NOT NULL,
                total_rows INTEGER NOT NULL,
                mapping TEXT NOT NULL DEFAULT '{}',
                duplicate_policy TEXT NOT NULL DEFAULT 'skip',
                state TEXT NOT NULL,
                processed INTEGER NOT NULL DEFAULT 0,
                created_count INTEGER NOT NULL DEFAULT 0,
                updated_count INTEGER NOT NULL DEFAULT 0,
                skipped_count INTEGER NOT NULL DEFAULT 0,
                rejected_count INTEGER NOT NULL DEFAULT 0,
                job_id BIGINT,
                error TEXT,
                created_by BIGINT NOT NULL REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX imports_owner ON imports (created_by, id)",
            """
            CREATE TABLE import_rows (
                import_id BIGINT NOT NULL REFERENCES imports(id),
                row_number INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                reason TEXT NOT NULL,
                record_id BIGINT,
                PRIMARY KEY (import_id, row_number)
            )
            """,
            """
            CREATE TABLE import_mappings (
                user_id BIGINT NOT NULL REFERENCES users(id),
                entity TEXT NOT NULL,
                columns_key TEXT NOT NULL,
                mapping TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (user_id, entity, columns_key)
            )
            """,
        ]
    }
}
