/// What a list of leads or deals searches in: their words in lower case, written by the stores
/// (SQLite's LOWER leaves Cyrillic as it is, so the key is made in Swift).
struct M0026_RecordSearchKeys: Migration {
    let version = 26
    let name = "lead and deal search keys"

    func statements(for dialect: DatabaseKind) -> [String] {
        [
            "ALTER TABLE leads ADD COLUMN search_key TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE deals ADD COLUMN search_key TEXT NOT NULL DEFAULT ''",
            // Records made before: as well as the database can lower them (all of it on PostgreSQL).
            """
            UPDATE leads SET search_key = LOWER(title || ' ' || COALESCE(last_name, '') || ' ' || COALESCE(first_name, '') || ' '
                || COALESCE(middle_name, '') || ' ' || COALESCE(company_name, '') || ' ' || channels)
            """,
            "UPDATE deals SET search_key = LOWER(title)",
        ]
    }
}
