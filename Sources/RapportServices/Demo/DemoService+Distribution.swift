import Foundation
import RapportDomain
import RapportStore

extension DemoService {
    /// How requests reach people at «Кухни Мастер»: large orders to the head of sales, the rest
    /// to the least loaded sales manager who is in; a new lead contacted within 10 working minutes or passed
    /// on; the kinds of visit (a measurement in 3
    /// working hours, an installation in 8), the PBX's integration and the site's measurement form. Set up after the demo's own
    /// leads, which were given out by hand.
    func fillDistribution() async throws {
        let (head, managers) = try await env.database.read { db in
            (try await UserStore().find(email: "head.sales@kitchen.example", on: db),
             try await RoleStore().find(key: BuiltInRole.salesManager.rawValue, on: db)?.id)
        }
        let routing = RoutingService(env: env)
        _ = try await routing.create(RoutingRuleInput(name: "Крупные заказы", condition: "amount > 100000",
                                                      pool: .init(userIDs: head.map { [$0.id] } ?? []), strategy: "first_available",
                                                      fallbackUserID: head?.id), by: nil)
        if let managers {
            _ = try await routing.create(RoutingRuleInput(name: "Все обращения", pool: .init(roleID: managers), strategy: "least_loaded",
                                                          fallbackUserID: head?.id), by: nil)
        }
        _ = try await ServiceLevelService(env: env).create(
            ServiceLevelInput(name: "Новый лид — связаться за 10 минут", minutes: 10, action: "reassign"), by: nil)
        let visits = VisitService(env: env)
        _ = try await visits.createKind(name: "Замер", skill: "замер", minutes: 180, by: nil)
        _ = try await visits.createKind(name: "Монтаж", skill: "монтаж", minutes: 480, by: nil)
        _ = try await IntegrationService(env: env).create(.init(kind: "telephony", name: "Телефония (АТС)", source: "phone"), by: nil)
        _ = try await WebFormService(env: env).create(
            WebFormInput(name: "Заявка на замер", fields: [
                .init(code: "full_name", label: "Как к вам обращаться", required: true),
                .init(code: "phone", label: "Телефон", required: true),
                .init(code: "object_address", label: "Адрес объекта"),
                .init(code: "comments", label: "Какая кухня нужна"),
            ], source: "site"), by: nil)
    }
}
