import Foundation
import Hummingbird
import RapportDomain
import RapportServices

extension RoutingRuleInput: StrictInput { typealias Keys = CodingKeys }

/// `/api/v1/routing-rules`: who takes a lead that came by itself (settings right).
struct RoutingRulesAPI {
    let routing: RoutingService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("routing-rules") { _, context in
            let rules = try await routing.list(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": rules.map(RoutingRuleDTO.init)])
        }
        group.post("routing-rules") { request, context in
            let body = try await JSONBody.decode(RoutingRuleInput.self, from: request, context: context)
            let rule = try await routing.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(RoutingRuleDTO(rule: rule), status: .created, version: rule.version,
                                         headers: [.location: "/api/v1/routing-rules/\(rule.id)"])
        }
        group.get("routing-rules/{id}") { _, context in
            let rule = try await routing.get(try context.id(entity: "routing_rule"), by: try context.requirePrincipal())
            return try JSONResponse.make(RoutingRuleDTO(rule: rule), version: rule.version)
        }
        group.patch("routing-rules/{id}") { request, context in
            let id = try context.id(entity: "routing_rule")
            let body = try await JSONBody.decode(RoutingRuleInput.self, from: request, context: context)
            let rule = try await routing.update(id, body, expectedVersion: try request.ifMatchVersion(),
                                                by: try context.requirePrincipal())
            return try JSONResponse.make(RoutingRuleDTO(rule: rule), version: rule.version)
        }
        group.delete("routing-rules/{id}") { request, context in
            try await routing.delete(try context.id(entity: "routing_rule"), expectedVersion: try request.ifMatchVersion(),
                                     by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}

struct RoutingRuleDTO: Encodable {
    var rule: RoutingRule

    enum CodingKeys: String, CodingKey {
        case id, name, position, active, condition, pool, strategy, version
        case fallbackUserID = "fallback_user_id", lastUserID = "last_user_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule.id, forKey: .id)
        try c.encode(rule.name, forKey: .name)
        try c.encode(rule.position, forKey: .position)
        try c.encode(rule.active, forKey: .active)
        try c.encode(rule.condition, forKey: .condition)
        try c.encode(rule.pool, forKey: .pool)
        try c.encode(rule.strategy.rawValue, forKey: .strategy)
        try c.encode(rule.fallbackUserID, forKey: .fallbackUserID)
        try c.encode(rule.lastUserID, forKey: .lastUserID)
        try c.encode(rule.version, forKey: .version)
    }
}
