/// Call lists: contacts a manager dials through one after another, each entry with its result.
struct M0033_CallLists: Migration {
    let version = 33
    let name = "call lists"

    func statements(for dialect: DatabaseKind) -> [String] {
        let ddl = DDL(dialect: dialect)
        return [
            """
            CREATE TABLE call_lists (
                id \(ddl.id),
                name TEXT NOT NULL,
                owner_id BIGINT NOT NULL REFERENCES users(id),
                query TEXT NOT NULL,
                total INTEGER NOT NULL,
                done INTEGER NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
            "CREATE INDEX call_lists_owner ON call_lists (owner_id, id)",
            """
            CREATE TABLE call_list_entries (
                id \(ddl.id),
                call_list_id BIGINT NOT NULL REFERENCES call_lists(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                contact_id BIGINT NOT NULL,
                phone TEXT NOT NULL,
                outcome TEXT,
                note TEXT,
                interaction_id BIGINT,
                task_id BIGINT,
                called_by BIGINT,
                called_at BIGINT
            )
            """,
            "CREATE UNIQUE INDEX call_list_entries_position ON call_list_entries (call_list_id, position)",
        ]
    }
}
