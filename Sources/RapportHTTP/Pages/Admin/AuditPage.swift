import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/admin/audit`: every change, who made it and when, old → new.
struct AuditPage {
    let pages: PageRenderer
    let events: EventService
    let users: UserService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/audit") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            let query = QueryReader(request: request)
            let filter = EventQuery(
                entity: try query.string("entity", maxLength: 50), entityID: try query.int64("entity_id"),
                actorID: try query.int64("actor_id"), action: try query.oneOf("action", EventAction.self)?.rawValue)
            let page = try await events.list(filter, page: try query.page(), by: principal)
            let actors = try await users.list(.init(), page: .init(limit: 500), by: principal).items
            let names = Dictionary(uniqueKeysWithValues: actors.map { ($0.id, $0.displayName) })
            var model = try await pages.model(request, context, titleKey: "title_audit", nav: "audit")
            model["events"] = page.items.map { event -> [String: Any] in
                [
                    "id": event.id,
                    "when": Formatting.dateTime(event.occurredAt, locale: locale, timeZone: principal.user.timeZone) ?? "",
                    "actor_name": event.actorID.map { names[$0] ?? "#\($0)" } ?? pages.text("actor_system", locale),
                    "entity_label": pages.text("entity_\(event.entity)", locale), "entity_id": event.entityID,
                    "action_label": pages.text("event_\(event.action.rawValue)", locale),
                    "changes": pages.changeRows(event.changes, names: names, locale),
                ]
            }
            model["empty"] = page.items.isEmpty
            model["filters"] = ["entity_id": filter.entityID.map(String.init) ?? "",
                                "actor_id": filter.actorID.map(String.init) ?? ""]
            model["entities"] = ["user", "department", "role", "settings", "api_token"].map {
                PageModel.option($0, pages.text("entity_\($0)", locale), selected: $0 == filter.entity)
            }
            model["actions"] = EventAction.allCases.map {
                PageModel.option($0.rawValue, pages.text("event_\($0.rawValue)", locale), selected: $0.rawValue == filter.action)
            }
            if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
            return pages.render("audit", model, request: request)
        }
    }
}
