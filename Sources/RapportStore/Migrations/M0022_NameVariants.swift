import RapportDomain

/// A person with a phone is compared by name only with people without one (migration 21). At a
/// million people those are some 150,000 names, and finding the ones within a typo through
/// trigram indexes over them read long posting lists for every check (tried: 4 ms a row on
/// PostgreSQL's GIN, a third of SQLite's import in FTS5). `name_variants` holds, for each
/// person without a phone, their name key and the key with each letter in turn left out
/// (`NameVariants`), beside the key itself (so a look-up reads no contact rows): two names one
/// typo apart share one of these, so a batch of checks is one indexed join on both databases.
/// Written by `ContactStore` with each change.
struct M0022_NameVariants: Migration {
    let version = 22
    let name = "name variants"

    func statements(for dialect: DatabaseKind) -> [String] {
        let table = dialect == .sqlite
            ? """
            CREATE TABLE name_variants (
                variant TEXT NOT NULL,
                contact_id INTEGER NOT NULL REFERENCES contacts(id),
                match_key TEXT NOT NULL,
                PRIMARY KEY (variant, contact_id)
            ) WITHOUT ROWID
            """
            : """
            CREATE TABLE name_variants (
                variant TEXT NOT NULL,
                contact_id BIGINT NOT NULL REFERENCES contacts(id),
                match_key TEXT NOT NULL,
                PRIMARY KEY (variant, contact_id)
            )
            """
        // Position 0 is the key itself; position i leaves out its i-th character.
        let fill = """
            INSERT INTO name_variants (variant, contact_id, match_key)
            WITH RECURSIVE positions(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM positions WHERE i < 200)
            SELECT DISTINCT CASE WHEN i = 0 THEN match_key ELSE substr(match_key, 1, i - 1) || substr(match_key, i + 1) END, id,
                match_key
            FROM contacts JOIN positions ON i <= length(match_key)
            WHERE has_phone = 0 AND length(match_key) >= \(NameVariants.minimumLength)
            """
        return [table, "CREATE INDEX name_variants_contact ON name_variants (contact_id)", fill]
    }
}
