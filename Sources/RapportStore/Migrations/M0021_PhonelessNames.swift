/// A person who has a phone is told apart from a namesake who has another (see
/// `DuplicateStore.namesakesToldApart`), so a new person with a phone can only be a duplicate
/// by name of someone without one. `contacts.has_phone` marks who has a normalised phone, and
/// a partial index holds the names of those without: a duplicate check for a person with a
/// phone reads a few exact namesakes instead of every one of a common name (a hundred
/// "Иванова Елена" at a million people). Their names within a typo: migration 22.
struct M0021_PhonelessNames: Migration {
    let version = 21
    let name = "phoneless names"

    func statements(for dialect: DatabaseKind) -> [String] {
        let index = "CREATE INDEX contacts_phoneless_match ON contacts (match_key) WHERE has_phone = 0"
        switch dialect {
        case .sqlite:
            return [
                "ALTER TABLE contacts ADD COLUMN has_phone INTEGER NOT NULL DEFAULT 0",
                """
                UPDATE contacts SET has_phone = 1 WHERE id IN (
                    SELECT entity_id FROM client_channels WHERE entity = 'contact' AND kind = 'phone' AND normalized IS NOT NULL)
                """,
                index,
            ]
        case .postgres:
            // Most people have a phone: the column starts as 1 (no table rewrite) and only those
            // without one are updated, so the partial index, made afterwards, holds no entries
            // for the rows' old versions.
            return [
                "ALTER TABLE contacts ADD COLUMN has_phone INTEGER NOT NULL DEFAULT 1",
                """
                UPDATE contacts SET has_phone = 0 WHERE NOT EXISTS (
                    SELECT 1 FROM client_channels c WHERE c.entity = 'contact' AND c.entity_id = contacts.id AND c.kind = 'phone'
                      AND c.normalized IS NOT NULL)
                """,
                "ALTER TABLE contacts ALTER COLUMN has_phone SET DEFAULT 0",
                index,
            ]
        }
    }
}
