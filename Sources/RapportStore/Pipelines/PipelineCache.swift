import NIOConcurrencyHelpers
import RapportDomain
import SQLKit

/// A pipeline as a move needs it: its stages and their rules, the conditions parsed once.
public struct PipelineSettings: Sendable {
    public let pipeline: Pipeline
    public let rules: [StageRule]

    init(_ pipeline: Pipeline) {
        self.pipeline = pipeline
        self.rules = pipeline.rules
    }

    public func rule(_ stageID: Int64) -> StageRule? { rules.first { $0.stageID == stageID } }
}

/// Pipelines as last read by this process. A move asks the database only for the pipeline's
/// settings revision (one small row) and reads the pipeline with its stages again when any
/// process changed it since (`PipelineStore` bumps the revision with every change).
public final class PipelineCache: Sendable {
    private struct Entry {
        let revision: Int64
        let settings: PipelineSettings
    }
    private let entries = NIOLockedValueBox([Int64: Entry]())
    private let store = PipelineStore()

    public init() {}

    /// The pipeline the stage belongs to, current as of the caller's connection; nil for no such stage.
    public func settings(stageID: Int64, on db: any SQLDatabase) async throws -> PipelineSettings? {
        guard let (pipelineID, revision) = try await store.revision(stageID: stageID, on: db) else { return nil }
        return try await settings(pipelineID, revision: revision, on: db)
    }

    /// The pipeline, current as of the caller's connection; nil for no such pipeline.
    public func settings(pipelineID: Int64, on db: any SQLDatabase) async throws -> PipelineSettings? {
        guard let revision = try await store.revision(pipelineID: pipelineID, on: db) else { return nil }
        return try await settings(pipelineID, revision: revision, on: db)
    }

    private func settings(_ id: Int64, revision: Int64, on db: any SQLDatabase) async throws -> PipelineSettings? {
        if let hit = entries.withLockedValue({ $0[id] }), hit.revision == revision { return hit.settings }
        guard let (pipeline, loaded) = try await store.load(where: "p.id = \(bind: id)", on: db) else { return nil }
        let settings = PipelineSettings(pipeline)
        entries.withLockedValue { entries in
            // A slower reader of an older revision must not replace a newer one.
            if (entries[id]?.revision ?? .min) <= loaded { entries[id] = Entry(revision: loaded, settings: settings) }
        }
        return settings
    }
}
