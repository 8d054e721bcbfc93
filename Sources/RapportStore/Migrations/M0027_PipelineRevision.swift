/// A pipeline's settings revision: bumped by every change to the pipeline or its stages, so a
/// process that keeps pipelines in memory (`PipelineCache`) knows when to read one again.
struct M0027_PipelineRevision: Migration {
    let version = 27
    let name = "pipeline settings revision"

    func statements(for dialect: DatabaseKind) -> [String] {
        ["ALTER TABLE pipelines ADD COLUMN revision BIGINT NOT NULL DEFAULT 0"]
    }
}
