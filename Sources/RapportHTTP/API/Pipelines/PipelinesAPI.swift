import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/api/v1/pipelines`, `/api/v1/stages`, `/api/v1/close-reasons`: the pipelines' settings,
/// and each pipeline's board.
struct PipelinesAPI {
    let pipelines: PipelineService
    let boards: BoardService
    let settings: SettingsService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("pipelines") { request, context in
            let entity = try QueryReader(request: request).oneOf("entity", PipelineEntity.self) ?? .deal
            let list = try await pipelines.list(entity, by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map(PipelineDTO.init)])
        }
        group.post("pipelines") { request, context in
            let body = try await JSONBody.decode(PipelineBody.self, from: request, context: context)
            let pipeline = try await pipelines.create(body.input, stages: body.stages ?? [], by: try context.requirePrincipal())
            return try JSONResponse.make(PipelineDTO(pipeline: pipeline), status: .created, version: pipeline.version,
                                         headers: [.location: "/api/v1/pipelines/\(pipeline.id)"])
        }
        group.get("pipelines/{id}") { _, context in
            let pipeline = try await pipelines.get(try context.id(entity: "pipeline"), by: try context.requirePrincipal())
            return try JSONResponse.make(PipelineDTO(pipeline: pipeline), version: pipeline.version)
        }
        group.patch("pipelines/{id}") { request, context in
            let id = try context.id(entity: "pipeline")
            let body = try await JSONBody.decode(PipelineBody.self, from: request, context: context)
            if body.stages != nil {
                throw RapportError.invalid("stages", "not_allowed", "change stages through /api/v1/stages/{id}")
            }
            let pipeline = try await pipelines.update(id, body.input, expectedVersion: try request.ifMatchVersion(),
                                                      by: try context.requirePrincipal())
            return try JSONResponse.make(PipelineDTO(pipeline: pipeline), version: pipeline.version)
        }
        group.delete("pipelines/{id}") { _, context in
            try await pipelines.delete(try context.id(entity: "pipeline"), by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.get("pipelines/{id}/board") { request, context in
            let id = try context.id(entity: "pipeline")
            let principal = try context.requirePrincipal()
            var query = try QueryReader(request: request).pipelineRecordQuery()
            query.pipelineID = id
            if try QueryReader(request: request).bool("mine") == true { query.ownerID = principal.userID }
            let pipeline = try await pipelines.get(id, by: principal)
            let board = try await boards.board(pipeline.entity, query, by: principal)
            let currency = try await settings.current().currency
            return try JSONResponse.make(BoardDTO(board, currency: currency))
        }
        group.post("pipelines/{id}/stages") { request, context in
            let id = try context.id(entity: "pipeline")
            let body = try await JSONBody.decode(StageInput.self, from: request, context: context)
            let stage = try await pipelines.addStage(to: id, body, by: try context.requirePrincipal())
            return try JSONResponse.make(StageDTO(stage: stage), status: .created, version: stage.version)
        }
        group.patch("stages/{id}") { request, context in
            let id = try context.id(entity: "stage")
            let body = try await JSONBody.decode(StageInput.self, from: request, context: context)
            let stage = try await pipelines.updateStage(id, body, expectedVersion: try request.ifMatchVersion(),
                                                        by: try context.requirePrincipal())
            return try JSONResponse.make(StageDTO(stage: stage), version: stage.version)
        }
        group.delete("stages/{id}") { request, context in
            let id = try context.id(entity: "stage")
            try await pipelines.deleteStage(id, moveTo: try QueryReader(request: request).int64("move_to"),
                                            by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.get("stages/{id}/preview") { request, context in
            let id = try context.id(entity: "stage")
            guard let record = try QueryReader(request: request).int64("record_id") else {
                throw RapportError.invalid("record_id", "required", "record_id is required")
            }
            let refusal = try await pipelines.preview(stageID: id, recordID: record, by: try context.requirePrincipal())
            return try JSONResponse.make(PreviewDTO(admitted: refusal.obstacles.isEmpty,
                                                    obstacles: MoveObstacleDTO.list(refusal, locale: .en)))
        }
        group.get("close-reasons") { request, context in
            let query = QueryReader(request: request)
            let entity = try query.oneOf("entity", PipelineEntity.self) ?? .deal
            let list = try await pipelines.reasons(entity, includeArchived: try query.bool("archived") ?? false,
                                                   by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map(CloseReasonDTO.init)])
        }
        group.post("close-reasons") { request, context in
            let body = try await JSONBody.decode(CloseReasonBody.self, from: request, context: context)
            guard let entity = body.entity.flatMap(PipelineEntity.init(rawValue:)) else {
                throw RapportError.invalid("entity", body.entity == nil ? "required" : "invalid", "entity must be lead or deal")
            }
            let reason = try await pipelines.addReason(entity, label: body.label, by: try context.requirePrincipal())
            return try JSONResponse.make(CloseReasonDTO(reason), status: .created)
        }
        group.patch("close-reasons/{id}") { request, context in
            let id = try context.id(entity: "close_reason")
            let body = try await JSONBody.decode(CloseReasonBody.self, from: request, context: context)
            if body.entity != nil { throw RapportError.invalid("entity", "immutable", "a reason's entity cannot change") }
            let reason = try await pipelines.updateReason(id, label: body.label, archived: body.archived,
                                                          by: try context.requirePrincipal())
            return try JSONResponse.make(CloseReasonDTO(reason))
        }
    }
}

struct PreviewDTO: Encodable {
    var admitted: Bool
    var obstacles: [MoveObstacleDTO]
}
