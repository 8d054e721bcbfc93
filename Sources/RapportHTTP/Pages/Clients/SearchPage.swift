import Hummingbird
import RapportDomain
import RapportServices

/// `/search?q=`: the results of the top bar's search box.
struct SearchPage {
    let pages: PageRenderer
    let search: SearchService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("search") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            let text = String((request.uri.queryParameters.get("q") ?? "").prefix(200))
            let hits = try await search.search(text, by: principal)
            var model = try await pages.model(request, context, titleKey: "title_search")
            model["q"] = text
            model["hits"] = hits.map { hit -> [String: Any] in
                [
                    "href": "/clients/\(hit.entity == "company" ? "companies" : "contacts")/\(hit.id)",
                    "name": hit.name, "detail": hit.detail ?? "",
                    "kind_label": pages.text("entity_\(hit.entity)", locale),
                ]
            }
            model["searched"] = !text.isEmpty
            model["empty"] = hits.isEmpty
            return pages.render("search", model, request: request)
        }
    }
}
