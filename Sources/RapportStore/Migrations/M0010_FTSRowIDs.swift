/// SQLite: rebuilds the FTS5 tables with rowids derived from the record (`FTSRowID`), so a
/// record's row is replaced by rowid instead of by scanning the table, and the search table
/// with prefix indexes. Nothing on PostgreSQL,
/// whose tables have primary keys.
struct M0010_FTSRowIDs: Migration {
    let version = 10
    let name = "search rows by record"

    func statements(for dialect: DatabaseKind) -> [String] {
        guard dialect == .sqlite else { return [] }
        return [
            "ALTER TABLE client_search RENAME TO client_search_old",
            // Prefix indexes: a typed beginning ("7916", "ива") is looked up, not merged from every longer word.
            """
            CREATE VIRTUAL TABLE client_search USING fts5(entity UNINDEXED, entity_id UNINDEXED, body, tokenize = 'unicode61',
                prefix = '2 3 4 6')
            """,
            "INSERT INTO client_search (rowid, entity, entity_id, body) SELECT \(FTSRowID.sql), entity, entity_id, body FROM client_search_old",
            "DROP TABLE client_search_old",
            "ALTER TABLE client_names RENAME TO client_names_old",
            """
            CREATE VIRTUAL TABLE client_names USING fts5(entity UNINDEXED, entity_id UNINDEXED, match_key, name_key,
                tokenize = 'trigram')
            """,
            """
            INSERT INTO client_names (rowid, entity, entity_id, match_key, name_key)
            SELECT \(FTSRowID.sql), entity, entity_id, match_key, name_key FROM client_names_old
            """,
            "DROP TABLE client_names_old",
        ]
    }
}
