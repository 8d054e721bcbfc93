/// A person's open tasks in deadline order straight from an index: "my tasks" and the
/// desktop read the first page of them without fetching every task the person ever had.
struct M0019_OpenTasksByOwner: Migration {
    let version = 19
    let name = "open tasks by responsible"

    func statements(for dialect: DatabaseKind) -> [String] {
        [
            // The expression is the lists' sort key (`TaskStore.list`), so the order comes from the index.
            """
            CREATE INDEX tasks_owner_open ON tasks (owner_id, COALESCE(deadline, 9223372036854775807), id)
            WHERE status NOT IN ('done', 'cancelled')
            """,
        ]
    }
}
