import Foundation
import RapportDomain
import SQLKit

/// A lead's or deal's place in its pipeline and its stays in stages (`stage_visits`): the
/// same columns and rules in both tables.
public struct StagePlaceStore: Sendable {
    public init() {}

    /// Puts the record at `place` when its version is still `expectedVersion`; the new version or nil.
    public func move(_ entity: PipelineEntity, id: Int64, to place: StagePlace, expectedVersion: Int64, now: Date,
                     on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE \(unsafeRaw: entity.table) SET pipeline_id = \(bind: place.pipelineID), stage_id = \(bind: place.stageID),
                stage_visit_id = \(bind: place.visitID), stage_entered_at = \(bind: place.enteredAt.millis),
                close_reason_id = \(bind: place.closeReasonID), closed_at = \(bind: place.closedAt?.millis),
                updated_at = \(bind: now.millis), version = version + 1
            WHERE id = \(bind: id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    /// The record's current version; nil when it is gone.
    public func version(_ entity: PipelineEntity, id: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("SELECT version FROM \(unsafeRaw: entity.table) WHERE id = \(bind: id)").first()?
            .decode(column: "version", as: Int64.self)
    }

    /// Records the first stay of a record just inserted (its version stays 1).
    public func setVisit(_ entity: PipelineEntity, id: Int64, visitID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE \(unsafeRaw: entity.table) SET stage_visit_id = \(bind: visitID) WHERE id = \(bind: id)").run()
    }

    /// Starts a stay; its id.
    public func openVisit(_ entity: PipelineEntity, recordID: Int64, pipelineID: Int64, stageID: Int64, at: Date, by: Int64?,
                          on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO stage_visits (entity, record_id, pipeline_id, stage_id, entered_at, left_at, moved_by)
            VALUES (\(bind: entity.rawValue), \(bind: recordID), \(bind: pipelineID), \(bind: stageID), \(bind: at.millis),
                NULL, \(bind: by))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func closeVisit(id: Int64, at: Date, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE stage_visits SET left_at = \(bind: at.millis) WHERE id = \(bind: id) AND left_at IS NULL").run()
    }

    /// The record's stays, oldest first.
    public func visits(_ entity: PipelineEntity, recordID: Int64, on db: any SQLDatabase) async throws -> [StageVisit] {
        try await db.raw("""
            SELECT id, stage_id, entered_at, left_at, moved_by FROM stage_visits
            WHERE entity = \(bind: entity.rawValue) AND record_id = \(bind: recordID) ORDER BY id
            """).all().map { row in
            StageVisit(id: try row.decode(column: "id", as: Int64.self), stageID: try row.decode(column: "stage_id", as: Int64.self),
                       enteredAt: Date(millis: try row.decode(column: "entered_at", as: Int64.self)),
                       leftAt: try row.decode(column: "left_at", as: Int64?.self).map(Date.init(millis:)),
                       movedBy: try row.decode(column: "moved_by", as: Int64?.self))
        }
    }

    /// Whether every task made during the stay is done (or cancelled); true when it made none.
    public func visitTasksDone(visitID: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM tasks WHERE stage_visit_id = \(bind: visitID) AND status NOT IN ('done', 'cancelled')
            """).first()!.decode(column: "n", as: Int.self) == 0
    }

    /// The first task the stay made (its stage's first entry task), if any.
    public func firstTask(visitID: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("SELECT id FROM tasks WHERE stage_visit_id = \(bind: visitID) ORDER BY id LIMIT 1").first()?
            .decode(column: "id", as: Int64.self)
    }

    /// The ids of the records standing in a stage, at most `limit`.
    public func recordIDs(_ entity: PipelineEntity, stageID: Int64, limit: Int, on db: any SQLDatabase) async throws -> [Int64] {
        try await db.raw("""
            SELECT id FROM \(unsafeRaw: entity.table) WHERE stage_id = \(bind: stageID) ORDER BY id LIMIT \(literal: limit)
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
    }

    /// Whose the record is, for access checks; nil when there is no such record.
    public func ownership(_ entity: PipelineEntity, id: Int64, on db: any SQLDatabase) async throws -> RecordOwnership? {
        try await db.raw("""
            SELECT r.owner_id, users.department_id FROM \(unsafeRaw: entity.table) r LEFT JOIN users ON users.id = r.owner_id
            WHERE r.id = \(bind: id)
            """).first().map {
            RecordOwnership(ownerID: try $0.decode(column: "owner_id", as: Int64?.self),
                            ownerDepartmentID: try $0.decode(column: "department_id", as: Int64?.self))
        }
    }

    /// The stay a task was made in, if a stage made it.
    public func visit(ofTask taskID: Int64, on db: any SQLDatabase) async throws -> (visitID: Int64, entity: PipelineEntity, recordID: Int64)? {
        guard let row = try await db.raw("""
            SELECT v.id, v.entity, v.record_id FROM tasks t JOIN stage_visits v ON v.id = t.stage_visit_id
            WHERE t.id = \(bind: taskID)
            """).first(),
            let entity = PipelineEntity(rawValue: try row.decode(column: "entity", as: String.self))
        else { return nil }
        return (try row.decode(column: "id", as: Int64.self), entity, try row.decode(column: "record_id", as: Int64.self))
    }

    static func decode(_ row: any SQLRow) throws -> StagePlace {
        StagePlace(pipelineID: try row.decode(column: "pipeline_id", as: Int64.self),
                   stageID: try row.decode(column: "stage_id", as: Int64.self),
                   visitID: try row.decode(column: "stage_visit_id", as: Int64.self),
                   enteredAt: Date(millis: try row.decode(column: "stage_entered_at", as: Int64.self)),
                   closeReasonID: try row.decode(column: "close_reason_id", as: Int64?.self),
                   closedAt: try row.decode(column: "closed_at", as: Int64?.self).map(Date.init(millis:)))
    }
}
