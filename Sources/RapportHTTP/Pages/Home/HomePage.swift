import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/`: the desktop. For now a greeting, the company at a glance, and recent activity;
/// tasks and the day's events join it with the work capabilities.
struct HomePage {
    let pages: PageRenderer
    let users: UserService
    let departments: DepartmentService
    let roles: RoleService
    let events: EventService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            var model = try await pages.model(request, context, titleKey: "title_home", nav: "home")
            let now = Date()
            let hour = Formatting.hour(now, timeZone: principal.user.timeZone)
            let greetingKey = hour < 12 ? "greeting_morning" : (hour < 18 ? "greeting_afternoon" : "greeting_evening")
            model["greeting"] = pages.text(greetingKey, locale).replacingOccurrences(of: "%@", with: principal.user.firstName)
            var stats: [[String: Any]] = []
            if principal.may(.read, .user) {
                let count = try await users.list(.init(isActive: true), page: .init(limit: 500), by: principal).items.count
                stats.append(["label": pages.text("stat_users", locale), "value": count >= 500 ? "500+" : String(count),
                              "href": "/admin/users"])
            }
            if principal.may(.read, .department) {
                stats.append(["label": pages.text("stat_departments", locale),
                              "value": String(try await departments.all(by: principal).count),
                              "href": "/admin/departments"])
            }
            if principal.may(.read, .role) {
                stats.append(["label": pages.text("stat_roles", locale),
                              "value": String(try await roles.list(page: .init(limit: 500), by: principal).items.count),
                              "href": "/admin/roles"])
            }
            model["stats"] = stats
            if principal.may(.read, .audit) {
                let recent = try await events.list(.init(), page: .init(limit: 8), by: principal).items
                let names = Dictionary(uniqueKeysWithValues: try await users.list(.init(), page: .init(limit: 500),
                                                                                  by: principal).items.map { ($0.id, $0.displayName) })
                model["recent"] = recent.map { event -> [String: Any] in
                    [
                        "when": Formatting.dateTime(event.occurredAt, locale: locale, timeZone: principal.user.timeZone) ?? "",
                        "actor": event.actorID.map { names[$0] ?? "#\($0)" } ?? pages.text("actor_system", locale),
                        "summary": "\(pages.text("event_\(event.action.rawValue)", locale)): \(pages.text("entity_\(event.entity)", locale)) #\(event.entityID)",
                    ]
                }
            }
            return pages.render("home", model, request: request)
        }
    }
}
