/// A person who has a phone is told apart from a namesake who has another (see
/// `DuplicateStore.namesakesToldApart`), so a new person with a phone can only be a duplicate
/// by name of someone without one. `contacts.has_phone` marks who has a normalised phone, and
/// the name indexes below hold only those without: a duplicate check for a person with a
/// phone reads a few names instead of every namesake of a common name (a hundred "Иванова
/// Елена" at a million people, read through posting lists of common trigrams: 3.5 ms a row at
/// 100,000 people on PostgreSQL). SQLite keeps those names in an FTS5 table of their own,
/// `phoneless_names` (rowid = the contact's id). Migration 22 replaced that table and the
/// partial GIN index by `name_variants`; the partial btree for exact names stays.
struct M0021_PhonelessNames: Migration {
    let version = 21
    let name = "phoneless names"

    func statements(for dialect: DatabaseKind) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                "ALTER TABLE contacts ADD COLUMN has_phone INTEGER NOT NULL DEFAULT 0",
                """
                UPDATE contacts SET has_phone = 1 WHERE id IN (
                    SELECT entity_id FROM client_channels WHERE entity = 'contact' AND kind = 'phone' AND normalized IS NOT NULL)
                """,
                "CREATE INDEX contacts_phoneless_match ON contacts (match_key) WHERE has_phone = 0",
                "CREATE VIRTUAL TABLE phoneless_names USING fts5(match_key, tokenize = 'trigram')",
                """
                INSERT INTO phoneless_names (rowid, match_key)
                SELECT id, match_key FROM contacts WHERE has_phone = 0 AND match_key IS NOT NULL
                """,
            ]
        case .postgres:
            // Most people have a phone: the column starts as 1 (no table rewrite) and only those
            // without one are updated, so the partial indexes, made afterwards, hold no entries
            // for the rows' old versions (a GIN index cannot skip dead entries as a btree does).
            return [
                "ALTER TABLE contacts ADD COLUMN has_phone INTEGER NOT NULL DEFAULT 1",
                """
                UPDATE contacts SET has_phone = 0 WHERE NOT EXISTS (
                    SELECT 1 FROM client_channels c WHERE c.entity = 'contact' AND c.entity_id = contacts.id AND c.kind = 'phone'
                      AND c.normalized IS NOT NULL)
                """,
                "ALTER TABLE contacts ALTER COLUMN has_phone SET DEFAULT 0",
                "CREATE INDEX contacts_phoneless_match ON contacts (match_key) WHERE has_phone = 0",
                "CREATE INDEX contacts_phoneless_match_trgm ON contacts USING GIN (match_key gin_trgm_ops) WHERE has_phone = 0",
            ]
        }
    }
}
