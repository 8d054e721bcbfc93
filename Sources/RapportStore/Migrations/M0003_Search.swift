/// Full-text search over clients: FTS5 on SQLite, a `tsvector` with a GIN index on PostgreSQL.
/// The body is written by the services (`SearchText`), the same words on both.
struct M0003_Search: Migration {
    let version = 3
    let name = "client search"

    func statements(for dialect: DatabaseKind) -> [String] {
        switch dialect {
        case .sqlite:
            return ["CREATE VIRTUAL TABLE client_search USING fts5(entity UNINDEXED, entity_id UNINDEXED, body, tokenize = 'unicode61')"]
        case .postgres:
            return [
                """
                CREATE TABLE client_search (
                    entity TEXT NOT NULL,
                    entity_id BIGINT NOT NULL,
                    body TEXT NOT NULL,
                    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
                    PRIMARY KEY (entity, entity_id)
                )
                """,
                "CREATE INDEX client_search_tsv ON client_search USING GIN (tsv)",
            ]
        }
    }
}
