/// Indexes that stay right without planner statistics at a million rows: channel lookups by
/// record kind first (duplicate control), and on PostgreSQL name keys in byte order (`C`),
/// so a name prefix is an index range on both databases.
struct M0011_ListIndexes: Migration {
    let version = 11
    let name = "list indexes"

    func statements(for dialect: DatabaseKind) -> [String] {
        var statements = [
            "DROP INDEX client_channels_match",
            "CREATE INDEX client_channels_match ON client_channels (entity, kind, normalized)",
        ]
        if dialect == .postgres {
            statements += [
                "ALTER TABLE companies ALTER COLUMN name_key TYPE TEXT COLLATE \"C\"",
                "ALTER TABLE contacts ALTER COLUMN name_key TYPE TEXT COLLATE \"C\"",
            ]
        }
        return statements
    }
}
