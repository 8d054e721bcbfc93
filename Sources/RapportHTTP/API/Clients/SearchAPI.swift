import Hummingbird
import RapportServices

struct SearchHitDTO: Encodable {
    var entity: String
    var id: Int64
    var name: String
    var detail: String?

    func encode(to encoder: any Encoder) throws {
        enum Keys: String, CodingKey { case entity, id, name, detail }
        var out = encoder.container(keyedBy: Keys.self)
        try out.encode(entity, forKey: .entity)
        try out.encode(id, forKey: .id)
        try out.encode(name, forKey: .name)
        try out.encode(detail, forKey: .detail)
    }
}

/// `GET /api/v1/search?q=`: companies and contacts by name, INN, phone in any format, e-mail.
struct SearchAPI {
    let search: SearchService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("search") { request, context in
            let text = request.uri.queryParameters.get("q") ?? ""
            let hits = try await search.search(text, by: try context.requirePrincipal())
            return try JSONResponse.make(["data": hits.map {
                SearchHitDTO(entity: $0.entity, id: $0.id, name: $0.name, detail: $0.detail)
            }])
        }
    }
}
