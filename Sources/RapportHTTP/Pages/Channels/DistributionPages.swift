import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/distribution`: who takes the leads that come by themselves (routing rules), how
/// soon they must be handled (service levels, with breaches per employee), and the outside
/// systems that send them (integrations and their secrets).
struct DistributionPages {
    let pages: PageRenderer
    let routing: RoutingService
    let levels: ServiceLevelService
    let integrations: IntegrationService
    let pipelines: PipelineService
    let users: UserService
    let departments: DepartmentService
    let roles: RoleService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/distribution") { request, context in try await page(request, context) }
        group.post("admin/distribution/rules") { request, context in
            try await act(request, context) { form, principal in _ = try await routing.create(Self.ruleInput(form), by: principal) }
        }
        group.post("admin/distribution/rules/{id}") { request, context in
            let id = try context.id(entity: "routing_rule")
            return try await act(request, context) { form, principal in
                if form["delete"] != nil {
                    try await routing.delete(id, expectedVersion: form.id("version"), by: principal)
                } else {
                    var input = Self.ruleInput(form)
                    input.active = form["active"] != nil
                    _ = try await routing.update(id, input, expectedVersion: form.id("version"), by: principal)
                }
            }
        }
        group.post("admin/distribution/levels") { request, context in
            try await act(request, context) { form, principal in _ = try await levels.create(Self.levelInput(form), by: principal) }
        }
        group.post("admin/distribution/levels/{id}") { request, context in
            let id = try context.id(entity: "service_level")
            return try await act(request, context) { form, principal in
                var input = Self.levelInput(form)
                input.active = form["active"] != nil
                _ = try await levels.update(id, input, expectedVersion: form.id("version"), by: principal)
            }
        }
        group.post("admin/distribution/integrations") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let made = try await integrations.create(.init(kind: form["kind"], name: form["name"], source: form.text("source")),
                                                         by: principal)
                return try await page(request, context, secret: made.secret)
            } catch let error as RapportError {
                return try await page(request, context, errors: try errors(error, request, context))
            }
        }
        group.post("admin/distribution/integrations/{id}/secret") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "integration")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let saved = try await integrations.replaceSecret(id, expectedVersion: form.id("version"), by: principal)
            return try await page(request, context, secret: saved.secret)
        }
    }

    /// Runs a change posted by a form; back to the page, or the page with the refusal.
    func act(_ request: Request, _ context: RapportRequestContext, _ change: (PageForm, Principal) async throws -> Void)
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
        do {
            try await change(form, principal)
            return pages.redirect(to: "/admin/distribution", flash: "flash_saved")
        } catch let error as RapportError {
            return try await page(request, context, errors: try errors(error, request, context))
        }
    }

    func errors(_ error: RapportError, _ request: Request, _ context: RapportRequestContext) throws -> [String: String] {
        let locale = pages.locale(request, context)
        switch error {
        case .validation(let list): return ["general": list.map { "\($0.field): \(pages.message($0, locale))" }.joined(separator: "; ")]
        case .stale: return ["general": pages.text("error_stale", locale)]
        case .conflict(let message): return ["general": message]
        default: throw error
        }
    }

    static func ruleInput(_ form: PageForm) -> RoutingRuleInput {
        RoutingRuleInput(name: form["name"], condition: form["condition"] ?? "",
                         pool: .init(userIDs: form.all("pool_users").compactMap { Int64($0) },
                                     departmentID: form.id("pool_department"), roleID: form.id("pool_role")),
                         strategy: form["strategy"], fallbackUserID: form.id("fallback") ?? 0)
    }

    static func levelInput(_ form: PageForm) -> ServiceLevelInput {
        ServiceLevelInput(name: form["name"], minutes: form.text("minutes").flatMap { Int($0) } ?? -1, stageID: form.id("stage") ?? 0,
                          source: form["source"] ?? "", action: form["action"], notifyUserID: form.id("notify") ?? 0)
    }

    func page(_ request: Request, _ context: RapportRequestContext, errors: [String: String] = [:], secret: String? = nil)
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: "distribution_heading", nav: "distribution")
        let people = try await users.list(.init(sort: .lastName), page: .init(limit: PageRequest.maxLimit), by: principal).items
            .filter(\.isActive)
        let departmentList = try await departments.all(by: principal)
        let roleList = try await roles.list(page: .init(limit: PageRequest.maxLimit), by: principal).items
        let stages = try await pipelines.list(.lead, by: principal).flatMap { pipeline in
            pipeline.stages.filter { $0.kind == .open }.map { (id: $0.id, name: "\(pipeline.name): \($0.name)") }
        }
        func options<T>(_ items: [T], _ value: (T) -> Int64, _ label: (T) -> String, selected: Set<Int64>) -> [[String: Any]] {
            items.map { PageModel.option(String(value($0)), label($0), selected: selected.contains(value($0))) }
        }
        func ruleModel(_ rule: RoutingRule?) -> [String: Any] {
            let strategies = RoutingRule.Strategy.allCases.map {
                PageModel.option($0.rawValue, pages.text("strategy_\($0.rawValue)", locale), selected: $0 == (rule?.strategy ?? .roundRobin))
            }
            return ["id": rule?.id ?? 0, "version": rule?.version ?? 0, "name": rule?.name ?? "", "condition": rule?.condition ?? "",
                    "active": rule?.active ?? true,
                    "users": options(people, \.id, \.displayName, selected: Set(rule?.pool.userIDs ?? [])),
                    "departments": options(departmentList, \.id, \.name, selected: Set([rule?.pool.departmentID].compactMap { $0 })),
                    "roles": options(roleList, \.id, \.name, selected: Set([rule?.pool.roleID].compactMap { $0 })),
                    "strategies": strategies,
                    "fallbacks": options(people, \.id, \.displayName, selected: Set([rule?.fallbackUserID].compactMap { $0 }))]
        }
        func levelModel(_ level: ServiceLevel?) -> [String: Any] {
            ["id": level?.id ?? 0, "version": level?.version ?? 0, "name": level?.name ?? "", "minutes": level?.minutes ?? 10,
             "source": level?.source ?? "", "active": level?.active ?? true,
             "stages": stages.map { PageModel.option(String($0.id), $0.name, selected: $0.id == level?.stageID) },
             "actions": ServiceLevel.Action.allCases.map {
                 PageModel.option($0.rawValue, pages.text("level_action_\($0.rawValue)", locale), selected: $0 == (level?.action ?? .reassign))
             },
             "notify_users": options(people, \.id, \.displayName, selected: Set([level?.notifyUserID].compactMap { $0 }))]
        }
        model["rules"] = try await routing.list(by: principal).map(ruleModel)
        model["new_rule"] = ruleModel(nil)
        model["levels"] = try await levels.list(by: principal).map(levelModel)
        model["new_level"] = levelModel(nil)
        let names = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0.displayName) })
        let summary = try await levels.summary(by: principal)
        model["breaches"] = summary.map { ["name": names[$0.userID] ?? "#\($0.userID)", "watched": $0.watched, "breached": $0.breached,
                                           "met": $0.met] }
        model["has_breaches"] = !summary.isEmpty
        model["integrations"] = try await integrations.list(by: principal).map { item -> [String: Any] in
            ["id": item.id, "version": item.version, "name": item.name, "active": item.active, "secret_hint": String(item.secret.prefix(4)) + "…",
             "kind_label": pages.text("integration_kind_\(item.kind.rawValue)", locale),
             "events_url": item.kind == .telephony ? "/api/v1/telephony/\(item.id)/events" : "/api/v1/inbound/\(item.id)/leads"]
        }
        // An SMS gateway needs its settings: it is set up through the API for now.
        model["integration_kinds"] = Integration.Kind.allCases.filter { $0 != .smsGateway && $0 != .smtp }.map {
            PageModel.option($0.rawValue, pages.text("integration_kind_\($0.rawValue)", locale), selected: false)
        }
        if let secret { model["new_secret"] = secret }
        model["errors"] = errors
        return pages.render("distribution", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
