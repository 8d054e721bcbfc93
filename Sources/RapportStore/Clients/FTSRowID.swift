/// The rowid of a record's row in SQLite's FTS5 tables (`client_search`, `client_names`):
/// the record's id times four plus its kind, so a record's row is found, replaced and
/// removed by rowid — FTS5 cannot index its other columns, and a `WHERE entity_id = …`
/// would read the whole table.
public enum FTSRowID {
    static let kinds = ["company": 0, "contact": 1]

    /// `rowid / 4` is the record's id and `rowid % 4` its kind.
    public static func make(entity: String, id: Int64) -> Int64 {
        id * 4 + Int64(kinds[entity] ?? 3)
    }

    /// The same computation in SQL, for moving existing rows.
    static let sql = "entity_id * 4 + CASE entity WHEN 'company' THEN 0 WHEN 'contact' THEN 1 ELSE 3 END"
}
