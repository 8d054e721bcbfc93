/// The company's working week and production calendar (holidays, shortened and moved days),
/// one row, as the administrator keeps them.
struct M0015_WorkCalendar: Migration {
    let version = 15
    let name = "work calendar"

    func statements(for dialect: DatabaseKind) -> [String] {
        [
            """
            CREATE TABLE work_calendar (
                id BIGINT PRIMARY KEY,
                week TEXT NOT NULL,
                days TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                version BIGINT NOT NULL
            )
            """,
        ]
    }
}
