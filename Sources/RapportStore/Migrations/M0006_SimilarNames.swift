/// Finding names that are alike (typos, a letter missing): `pg_trgm` GIN indexes on
/// PostgreSQL; on SQLite an FTS5 table with the `trigram` tokenizer over the same keys,
/// written by the services with each change (see `SimilarNameStore`).
struct M0006_SimilarNames: Migration {
    let version = 6
    let name = "similar names"

    func statements(for dialect: DatabaseKind) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                """
                CREATE VIRTUAL TABLE client_names USING fts5(entity UNINDEXED, entity_id UNINDEXED, match_key, name_key,
                    tokenize = 'trigram')
                """,
                """
                INSERT INTO client_names (entity, entity_id, match_key, name_key)
                SELECT 'company', id, COALESCE(match_key, ''), name_key FROM companies
                """,
                """
                INSERT INTO client_names (entity, entity_id, match_key, name_key)
                SELECT 'contact', id, COALESCE(match_key, ''), name_key FROM contacts
                """,
            ]
        case .postgres:
            return [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX companies_match_trgm ON companies USING GIN (match_key gin_trgm_ops)",
                "CREATE INDEX companies_name_trgm ON companies USING GIN (name_key gin_trgm_ops)",
                "CREATE INDEX contacts_match_trgm ON contacts USING GIN (match_key gin_trgm_ops)",
                "CREATE INDEX contacts_name_trgm ON contacts USING GIN (name_key gin_trgm_ops)",
            ]
        }
    }
}
