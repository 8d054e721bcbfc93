import Foundation
import Hummingbird
import RapportDomain
import RapportServices

extension ServiceLevelInput: StrictInput { typealias Keys = CodingKeys }

/// `/api/v1/service-levels` (settings right) and `/api/v1/service-level-breaches`: how soon a
/// lead must be handled, and who did not.
struct ServiceLevelsAPI {
    let levels: ServiceLevelService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("service-levels") { _, context in
            let list = try await levels.list(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map(ServiceLevelDTO.init)])
        }
        group.post("service-levels") { request, context in
            let body = try await JSONBody.decode(ServiceLevelInput.self, from: request, context: context)
            let level = try await levels.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(ServiceLevelDTO(level: level), status: .created, version: level.version,
                                         headers: [.location: "/api/v1/service-levels/\(level.id)"])
        }
        group.get("service-levels/{id}") { _, context in
            let level = try await levels.get(try context.id(entity: "service_level"), by: try context.requirePrincipal())
            return try JSONResponse.make(ServiceLevelDTO(level: level), version: level.version)
        }
        group.patch("service-levels/{id}") { request, context in
            let id = try context.id(entity: "service_level")
            let body = try await JSONBody.decode(ServiceLevelInput.self, from: request, context: context)
            let level = try await levels.update(id, body, expectedVersion: try request.ifMatchVersion(),
                                                by: try context.requirePrincipal())
            return try JSONResponse.make(ServiceLevelDTO(level: level), version: level.version)
        }
        group.delete("service-levels/{id}") { request, context in
            try await levels.delete(try context.id(entity: "service_level"), expectedVersion: try request.ifMatchVersion(),
                                    by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.get("service-level-breaches") { request, context in
            let query = QueryReader(request: request)
            let page = try await levels.breaches(userID: try query.int64("user_id"), page: try query.page(),
                                                 by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page) { BreachDTO(check: $0) })
        }
        group.get("service-level-breaches/summary") { request, context in
            let since = try QueryReader(request: request).date("since")
            let rows = try await levels.summary(since: since, by: try context.requirePrincipal())
            return try JSONResponse.make(["data": rows.map {
                BreachSummaryDTO(userID: $0.userID, watched: $0.watched, breached: $0.breached, met: $0.met)
            }])
        }
    }
}

struct ServiceLevelDTO: Encodable {
    var level: ServiceLevel

    enum CodingKeys: String, CodingKey {
        case id, name, position, active, minutes, source, action, version
        case pipelineID = "pipeline_id", stageID = "stage_id", notifyUserID = "notify_user_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(level.id, forKey: .id)
        try c.encode(level.name, forKey: .name)
        try c.encode(level.position, forKey: .position)
        try c.encode(level.active, forKey: .active)
        try c.encode(level.minutes, forKey: .minutes)
        try c.encode(level.pipelineID, forKey: .pipelineID)
        try c.encode(level.stageID, forKey: .stageID)
        try c.encode(level.source, forKey: .source)
        try c.encode(level.action.rawValue, forKey: .action)
        try c.encode(level.notifyUserID, forKey: .notifyUserID)
        try c.encode(level.version, forKey: .version)
    }
}

struct BreachDTO: Encodable {
    var check: ServiceLevelCheck

    enum CodingKeys: String, CodingKey {
        case id
        case serviceLevelID = "service_level_id", leadID = "lead_id", taskID = "task_id", userID = "user_id", dueAt = "due_at"
        case actedAt = "acted_at", newUserID = "new_user_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(check.id, forKey: .id)
        try c.encode(check.serviceLevelID, forKey: .serviceLevelID)
        try c.encode(check.leadID, forKey: .leadID)
        try c.encode(check.taskID, forKey: .taskID)
        try c.encode(check.userID, forKey: .userID)
        try c.encode(ISO8601.string(check.dueAt), forKey: .dueAt)
        try c.encode(check.actedAt.map(ISO8601.string), forKey: .actedAt)
        try c.encode(check.newUserID, forKey: .newUserID)
    }
}

struct BreachSummaryDTO: Encodable {
    var userID: Int64
    var watched: Int
    var breached: Int
    var met: Int

    enum CodingKeys: String, CodingKey {
        case watched, breached, met
        case userID = "user_id"
    }
}
