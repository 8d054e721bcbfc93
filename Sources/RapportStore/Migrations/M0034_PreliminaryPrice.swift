/// The price given before the measurement, kept apart once the final one is set.
struct M0034_PreliminaryPrice: Migration {
    let version = 34
    let name = "preliminary price"

    func statements(for dialect: DatabaseKind) -> [String] {
        [
            "ALTER TABLE leads ADD COLUMN preliminary_amount BIGINT",
            "ALTER TABLE deals ADD COLUMN preliminary_amount BIGINT",
        ]
    }
}
