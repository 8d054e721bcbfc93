import Foundation
import RapportDomain
import SQLKit

/// The tables of pipelines, their stages and the close reasons.
public struct PipelineStore: Sendable {
    public init() {}

    static let stageColumns = """
        id, pipeline_id, name, color, position, kind, required_fields, condition, hint, hint_link, auto_advance,
        refusal_task_title, entry_tasks, version
        """

    /// The entity's pipelines in order, each with its stages in order.
    public func list(entity: PipelineEntity, on db: any SQLDatabase) async throws -> [Pipeline] {
        let rows = try await db.raw("""
            SELECT id, entity, name, mode, position, version FROM pipelines WHERE entity = \(bind: entity.rawValue)
            ORDER BY position, id
            """).all()
        var pipelines = try rows.map(Self.decodePipeline)
        guard !pipelines.isEmpty else { return [] }
        let stages = try await db.raw("""
            SELECT \(unsafeRaw: Self.stageColumns) FROM stages WHERE pipeline_id IN (\(binds: pipelines.map(\.id)))
            ORDER BY position, id
            """).all().map(Self.decodeStage)
        for index in pipelines.indices { pipelines[index].stages = stages.filter { $0.pipelineID == pipelines[index].id } }
        return pipelines
    }

    /// The entity's first pipeline (new records go there unless told otherwise).
    public func firstID(entity: PipelineEntity, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("SELECT id FROM pipelines WHERE entity = \(bind: entity.rawValue) ORDER BY position, id LIMIT 1").first()?
            .decode(column: "id", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Pipeline? {
        try await load(where: "p.id = \(bind: id)", on: db)?.pipeline
    }

    /// The pipeline a stage belongs to, with all its stages.
    public func find(stageID: Int64, on db: any SQLDatabase) async throws -> Pipeline? {
        try await load(where: "p.id = (SELECT pipeline_id FROM stages WHERE id = \(bind: stageID))", on: db)?.pipeline
    }

    /// The pipeline and its settings revision (see `PipelineCache`) of a stage, or nil for no such stage.
    func revision(stageID: Int64, on db: any SQLDatabase) async throws -> (pipelineID: Int64, revision: Int64)? {
        guard let row = try await db.raw("""
            SELECT p.id, p.revision FROM stages s JOIN pipelines p ON p.id = s.pipeline_id WHERE s.id = \(bind: stageID)
            """).first() else { return nil }
        return (try row.decode(column: "id", as: Int64.self), try row.decode(column: "revision", as: Int64.self))
    }

    /// The settings revision of a pipeline, or nil for no such pipeline.
    func revision(pipelineID: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("SELECT revision FROM pipelines WHERE id = \(bind: pipelineID)").first()?
            .decode(column: "revision", as: Int64.self)
    }

    /// One pipeline with its stages and its settings revision, in one statement.
    func load(where condition: SQLQueryString, on db: any SQLDatabase) async throws -> (pipeline: Pipeline, revision: Int64)? {
        let rows = try await db.raw("""
            SELECT p.id AS p_id, p.entity AS p_entity, p.name AS p_name, p.mode AS p_mode, p.position AS p_position,
                p.version AS p_version, p.revision AS p_revision, s.id, s.pipeline_id, s.name, s.color, s.position, s.kind,
                s.required_fields, s.condition, s.hint, s.hint_link, s.auto_advance, s.refusal_task_title, s.entry_tasks, s.version
            FROM pipelines p LEFT JOIN stages s ON s.pipeline_id = p.id
            WHERE \(condition) ORDER BY s.position, s.id
            """).all()
        guard let first = rows.first else { return nil }
        var pipeline = Pipeline(id: try first.decode(column: "p_id", as: Int64.self),
                                entity: PipelineEntity(rawValue: try first.decode(column: "p_entity", as: String.self)) ?? .deal,
                                name: try first.decode(column: "p_name", as: String.self),
                                mode: ControlMode(rawValue: try first.decode(column: "p_mode", as: String.self)) ?? .strict,
                                position: try first.decode(column: "p_position", as: Int.self),
                                version: try first.decode(column: "p_version", as: Int64.self))
        for row in rows where try row.decode(column: "id", as: Int64?.self) != nil {
            pipeline.stages.append(try Self.decodeStage(row))
        }
        return (pipeline, try first.decode(column: "p_revision", as: Int64.self))
    }

    public func insert(_ p: Pipeline, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO pipelines (entity, name, mode, position, created_at, updated_at, version)
            VALUES (\(bind: p.entity.rawValue), \(bind: p.name), \(bind: p.mode.rawValue), \(bind: p.position),
                \(bind: now.millis), \(bind: now.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    /// Saves name, mode and position when the version is still `expectedVersion`; the new version or nil.
    public func update(_ p: Pipeline, expectedVersion: Int64, now: Date, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE pipelines SET name = \(bind: p.name), mode = \(bind: p.mode.rawValue), position = \(bind: p.position),
                updated_at = \(bind: now.millis), version = version + 1, revision = revision + 1
            WHERE id = \(bind: p.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM stages WHERE pipeline_id = \(bind: id)").run()
        try await db.raw("DELETE FROM pipelines WHERE id = \(bind: id)").run()
    }

    public func insert(_ s: Stage, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        let id = try await db.raw("""
            INSERT INTO stages (pipeline_id, name, color, position, kind, required_fields, condition, hint, hint_link,
                auto_advance, refusal_task_title, entry_tasks, created_at, updated_at, version)
            VALUES (\(bind: s.pipelineID), \(bind: s.name), \(bind: s.color), \(bind: s.position), \(bind: s.kind.rawValue),
                \(bind: JSONText.encode(s.requiredFields)), \(bind: s.condition), \(bind: s.hint), \(bind: s.hintLink),
                \(bind: s.autoAdvance), \(bind: s.refusalTaskTitle), \(bind: JSONText.encode(s.entryTasks)),
                \(bind: now.millis), \(bind: now.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        try await touch(pipelineID: s.pipelineID, on: db)
        return id
    }

    public func update(_ s: Stage, expectedVersion: Int64, now: Date, on db: any SQLDatabase) async throws -> Int64? {
        let version = try await db.raw("""
            UPDATE stages SET name = \(bind: s.name), color = \(bind: s.color), position = \(bind: s.position),
                kind = \(bind: s.kind.rawValue), required_fields = \(bind: JSONText.encode(s.requiredFields)),
                condition = \(bind: s.condition), hint = \(bind: s.hint), hint_link = \(bind: s.hintLink),
                auto_advance = \(bind: s.autoAdvance), refusal_task_title = \(bind: s.refusalTaskTitle),
                entry_tasks = \(bind: JSONText.encode(s.entryTasks)), updated_at = \(bind: now.millis), version = version + 1
            WHERE id = \(bind: s.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
        if version != nil { try await touch(pipelineID: s.pipelineID, on: db) }
        return version
    }

    /// Renumbers the pipeline's stages 0, 1, 2 … in the given order.
    public func reorder(pipelineID: Int64, stageIDs: [Int64], on db: any SQLDatabase) async throws {
        for (position, id) in stageIDs.enumerated() {
            try await db.raw("""
                UPDATE stages SET position = \(bind: position) WHERE id = \(bind: id) AND pipeline_id = \(bind: pipelineID)
                """).run()
        }
        try await touch(pipelineID: pipelineID, on: db)
    }

    public func deleteStage(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE pipelines SET revision = revision + 1 WHERE id = (SELECT pipeline_id FROM stages WHERE id = \(bind: id))
            """).run()
        try await db.raw("DELETE FROM stages WHERE id = \(bind: id)").run()
    }

    /// Marks the pipeline's settings changed: every process's `PipelineCache` reads it again.
    func touch(pipelineID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE pipelines SET revision = revision + 1 WHERE id = \(bind: pipelineID)").run()
    }

    /// How many records of `entity` stand in the stage.
    public func recordCount(stageID: Int64, entity: PipelineEntity, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM \(unsafeRaw: entity.table) WHERE stage_id = \(bind: stageID)
            """).first()!.decode(column: "n", as: Int.self)
    }

    // MARK: close reasons

    public func reasons(entity: PipelineEntity, includeArchived: Bool, on db: any SQLDatabase) async throws -> [CloseReason] {
        try await db.raw("""
            SELECT id, entity, label, position, archived FROM close_reasons WHERE entity = \(bind: entity.rawValue)
            AND (\(bind: includeArchived) OR archived = \(bind: false)) ORDER BY position, id
            """).all().map(Self.decodeReason)
    }

    public func reason(id: Int64, on db: any SQLDatabase) async throws -> CloseReason? {
        try await db.raw("SELECT id, entity, label, position, archived FROM close_reasons WHERE id = \(bind: id)")
            .first().map(Self.decodeReason)
    }

    public func insert(_ r: CloseReason, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO close_reasons (entity, label, position, archived)
            VALUES (\(bind: r.entity.rawValue), \(bind: r.label), \(bind: r.position), \(bind: r.archived))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func update(_ r: CloseReason, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE close_reasons SET label = \(bind: r.label), position = \(bind: r.position), archived = \(bind: r.archived)
            WHERE id = \(bind: r.id)
            """).run()
    }

    // MARK: decoding

    static func decodePipeline(_ row: any SQLRow) throws -> Pipeline {
        Pipeline(id: try row.decode(column: "id", as: Int64.self),
                 entity: PipelineEntity(rawValue: try row.decode(column: "entity", as: String.self)) ?? .deal,
                 name: try row.decode(column: "name", as: String.self),
                 mode: ControlMode(rawValue: try row.decode(column: "mode", as: String.self)) ?? .strict,
                 position: try row.decode(column: "position", as: Int.self),
                 version: try row.decode(column: "version", as: Int64.self))
    }

    static func decodeStage(_ row: any SQLRow) throws -> Stage {
        let tasks = try row.decode(column: "entry_tasks", as: String.self)
        return Stage(id: try row.decode(column: "id", as: Int64.self),
                     pipelineID: try row.decode(column: "pipeline_id", as: Int64.self),
                     name: try row.decode(column: "name", as: String.self),
                     color: try row.decode(column: "color", as: String.self),
                     position: try row.decode(column: "position", as: Int.self),
                     kind: StageKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .open,
                     requiredFields: try JSONText.strings(try row.decode(column: "required_fields", as: String.self)),
                     condition: try row.decode(column: "condition", as: String?.self),
                     hint: try row.decode(column: "hint", as: String?.self),
                     hintLink: try row.decode(column: "hint_link", as: String?.self),
                     autoAdvance: try row.decode(column: "auto_advance", as: Bool.self),
                     refusalTaskTitle: try row.decode(column: "refusal_task_title", as: String?.self),
                     entryTasks: tasks == "[]" ? [] : try JSONText.decode([StageTaskTemplate].self, tasks),
                     version: try row.decode(column: "version", as: Int64.self))
    }

    static func decodeReason(_ row: any SQLRow) throws -> CloseReason {
        CloseReason(id: try row.decode(column: "id", as: Int64.self),
                    entity: PipelineEntity(rawValue: try row.decode(column: "entity", as: String.self)) ?? .deal,
                    label: try row.decode(column: "label", as: String.self),
                    position: try row.decode(column: "position", as: Int.self),
                    archived: try row.decode(column: "archived", as: Bool.self))
    }
}
