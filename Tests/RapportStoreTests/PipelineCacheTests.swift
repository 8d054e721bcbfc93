import Foundation
import RapportDomain
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

/// A pipeline kept in memory is read again after any change to it or its stages, also one
/// made by another process (here: another cache over the same database).
@Suite struct PipelineCacheTests {
    @Test(arguments: TestDatabase.kinds)
    func a_change_to_the_pipeline_or_a_stage_is_seen_at_once(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let store = PipelineStore(), now = Date()
            let cache = PipelineCache()
            let (pipelineID, first, second) = try await database.transaction { db in
                let id = try await store.insert(Pipeline(entity: .deal, name: "Sales", mode: .strict), now: now, on: db)
                let first = try await store.insert(Stage(pipelineID: id, name: "New", position: 0), now: now, on: db)
                let second = try await store.insert(Stage(pipelineID: id, name: "Priced", position: 1, condition: "amount > 0"),
                                                    now: now, on: db)
                return (id, first, second)
            }
            let read = { (stageID: Int64) in try await database.read { db in try await cache.settings(stageID: stageID, on: db) } }
            #expect(try await read(second)?.rule(second)?.condition?.text == "amount > 0")
            #expect(try await read(first)?.pipeline.mode == .strict)

            // A stage's condition changed (by anyone): the next read has it.
            try await database.transaction { db in
                var stage = try #require(try await store.find(id: pipelineID, on: db)?.stage(second))
                stage.condition = "amount > 1000"
                _ = try await store.update(stage, expectedVersion: stage.version, now: now, on: db)
            }
            #expect(try await read(second)?.rule(second)?.condition?.text == "amount > 1000")

            // The pipeline's mode, the order of its stages, a new stage, a deleted one.
            try await database.transaction { db in
                var pipeline = try #require(try await store.find(id: pipelineID, on: db))
                pipeline.mode = .manual
                _ = try await store.update(pipeline, expectedVersion: pipeline.version, now: now, on: db)
            }
            #expect(try await read(first)?.pipeline.mode == .manual)
            try await database.transaction { db in try await store.reorder(pipelineID: pipelineID, stageIDs: [second, first], on: db) }
            #expect(try await read(first)?.rules.map(\.stageID) == [second, first])
            let third = try await database.transaction { db in
                try await store.insert(Stage(pipelineID: pipelineID, name: "Won", position: 2, kind: .won), now: now, on: db)
            }
            #expect(try await read(first)?.rule(third)?.kind == .won)
            try await database.transaction { db in try await store.deleteStage(id: third, on: db) }
            #expect(try await read(third) == nil)
            #expect(try await read(first)?.rule(third) == nil)
            #expect(try await database.read { db in try await cache.settings(pipelineID: pipelineID + 99, on: db) } == nil)
        }
    }
}
