import Hummingbird
import RapportDomain
import RapportServices

/// `/api/v1/custom-fields`: the administrator's extra fields of companies and contacts.
/// `DELETE` archives a field (its values stay; `POST …/restore` brings it back).
struct CustomFieldsAPI {
    let fields: CustomFieldService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("custom-fields") { request, context in
            let query = QueryReader(request: request)
            let list = try await fields.list(entity: try query.oneOf("entity", CustomFieldEntity.self),
                                             includeArchived: try query.bool("include_archived") ?? false,
                                             by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(Page(items: list, nextCursor: nil)) { CustomFieldDTO(field: $0) })
        }
        group.post("custom-fields") { request, context in
            let body = try await JSONBody.decode(CustomFieldBody.self, from: request, context: context)
            let field = try await fields.create(body.input, by: try context.requirePrincipal())
            return try JSONResponse.make(CustomFieldDTO(field: field), status: .created, version: field.version,
                                         headers: [.location: "/api/v1/custom-fields/\(field.id)"])
        }
        group.get("custom-fields/{id}") { _, context in
            let field = try await fields.get(try context.id(entity: "custom_field"), by: try context.requirePrincipal())
            return try JSONResponse.make(CustomFieldDTO(field: field), version: field.version)
        }
        group.patch("custom-fields/{id}") { request, context in
            let id = try context.id(entity: "custom_field")
            let body = try await JSONBody.decode(CustomFieldBody.self, from: request, context: context)
            let field = try await fields.update(id, body.input, expectedVersion: try request.ifMatchVersion(),
                                                by: try context.requirePrincipal())
            return try JSONResponse.make(CustomFieldDTO(field: field), version: field.version)
        }
        group.delete("custom-fields/{id}") { request, context in
            _ = try await fields.archive(try context.id(entity: "custom_field"), expectedVersion: try request.ifMatchVersion(),
                                         by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.post("custom-fields/{id}/restore") { request, context in
            let field = try await fields.archive(try context.id(entity: "custom_field"), archived: false,
                                                 expectedVersion: try request.ifMatchVersion(),
                                                 by: try context.requirePrincipal())
            return try JSONResponse.make(CustomFieldDTO(field: field), version: field.version)
        }
    }
}
