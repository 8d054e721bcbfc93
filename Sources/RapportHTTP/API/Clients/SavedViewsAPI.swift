import Hummingbird
import RapportServices
import RapportStore

struct SavedViewDTO: Encodable {
    var id: Int64
    var entity: String
    var name: String
    var query: String

    init(_ view: SavedView) {
        id = view.id; entity = view.entity; name = view.name; query = view.query
    }
}

struct SavedViewBody: StrictInput {
    var entity: String?
    var name: String?
    var query: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case entity, name, query }
    typealias Keys = CodingKeys
}

/// `/api/v1/saved-views`: the caller's saved list filters.
struct SavedViewsAPI {
    let views: SavedViewService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("saved-views") { request, context in
            let entity = try QueryReader(request: request).string("entity", maxLength: 20)
            let list = try await views.list(entity: entity, by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map(SavedViewDTO.init)])
        }
        group.post("saved-views") { request, context in
            let body = try await JSONBody.decode(SavedViewBody.self, from: request, context: context)
            let view = try await views.create(entity: body.entity, name: body.name, query: body.query,
                                              by: try context.requirePrincipal())
            return try JSONResponse.make(SavedViewDTO(view), status: .created)
        }
        group.delete("saved-views/{id}") { _, context in
            try await views.delete(try context.id(entity: "saved_view"), by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}
