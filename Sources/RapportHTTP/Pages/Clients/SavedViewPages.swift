import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// Saved views on the client lists: the chips above the table, "save this view", remove.
struct SavedViewPages {
    let pages: PageRenderer
    let views: SavedViewService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.post("clients/views") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let back = Self.back(form["return_to"])
            do {
                _ = try await views.create(entity: form["entity"], name: form["name"], query: form["query"], by: principal)
                return pages.redirect(to: back, flash: "flash_view_saved")
            } catch RapportError.validation {
                return pages.redirect(to: back, flash: "flash_view_refused")
            }
        }
        group.post("clients/views/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await views.delete(try context.id(entity: "saved_view"), by: principal)
            return pages.redirect(to: Self.back(form["return_to"]), flash: "flash_view_removed")
        }
    }

    /// The list page's keys: its saved views and the current filters to save.
    func model(entity: String, listPath: String, request: Request, by principal: Principal) async throws -> [String: Any] {
        let saved = try await views.list(entity: entity, by: principal)
        let current = request.uri.query ?? ""
        return [
            "views": saved.map { view -> [String: Any] in
                ["name": view.name, "href": listPath + (view.query.isEmpty ? "" : "?" + view.query),
                 "delete_action": "/clients/views/\(view.id)/delete", "active": view.query == current]
            },
            "view_entity": entity,
            "view_query": current,
            "return_to": listPath + (current.isEmpty ? "" : "?" + current),
        ]
    }

    /// Only local list paths are returned to.
    static func back(_ path: String?) -> String {
        guard let path, path.hasPrefix("/clients/"), !path.hasPrefix("//") else { return "/clients/companies" }
        return path
    }
}
