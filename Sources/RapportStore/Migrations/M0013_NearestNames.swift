/// PostgreSQL finds the names nearest a new client's with a GiST trigram index, best first
/// (`ORDER BY match_key <-> …`): with GIN, every name above the threshold was read and
/// sorted, seconds for a common name at a million contacts. SQLite keeps its FTS5 table.
struct M0013_NearestNames: Migration {
    let version = 13
    let name = "nearest names"

    func statements(for dialect: DatabaseKind) -> [String] {
        guard dialect == .postgres else { return [] }
        return [
            "DROP INDEX companies_match_trgm",
            "DROP INDEX contacts_match_trgm",
            "CREATE INDEX companies_match_trgm ON companies USING GIST (match_key gist_trgm_ops)",
            "CREATE INDEX contacts_match_trgm ON contacts USING GIST (match_key gist_trgm_ops)",
        ]
    }
}
