import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// A role as the API shows it: the whole matrix, every entity and action present.
struct RoleDTO: Encodable {
    var id: Int64
    var key: String?
    var name: String
    var description: String?
    var permissions: [String: [String: String]]
    var createdAt: Date
    var updatedAt: Date
    var version: Int64

    enum CodingKeys: String, CodingKey {
        case id, key, name, description, permissions, version
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ r: Role) {
        id = r.id; key = r.key; name = r.name; description = r.description; permissions = r.permissions.wireForm
        createdAt = r.createdAt; updatedAt = r.updatedAt; version = r.version
    }
}

/// `POST` and `PATCH /api/v1/roles`. On PATCH `permissions` sets the listed cells only.
struct RoleBody: StrictInput {
    var name: String?
    var description: String?
    var permissions: [String: [String: String]]?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, description, permissions }
    typealias Keys = CodingKeys

    var input: RoleService.Input { .init(name: name, description: description, permissions: permissions) }
}

/// `/api/v1/roles`.
struct RolesAPI {
    let roles: RoleService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("roles") { request, context in
            let page = try await roles.list(page: try QueryReader(request: request).page(),
                                            by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page, RoleDTO.init))
        }
        group.post("roles") { request, context in
            let body = try await JSONBody.decode(RoleBody.self, from: request, context: context)
            let role = try await roles.create(body.input, by: try context.requirePrincipal())
            return try JSONResponse.make(RoleDTO(role), status: .created, version: role.version,
                                         headers: [.location: "/api/v1/roles/\(role.id)"])
        }
        group.get("roles/{id}") { _, context in
            let role = try await roles.get(try context.id(entity: "role"), by: try context.requirePrincipal())
            return try JSONResponse.make(RoleDTO(role), version: role.version)
        }
        group.patch("roles/{id}") { request, context in
            let id = try context.id(entity: "role")
            let body = try await JSONBody.decode(RoleBody.self, from: request, context: context)
            let role = try await roles.update(id, body.input, expectedVersion: try request.ifMatchVersion(),
                                              by: try context.requirePrincipal())
            return try JSONResponse.make(RoleDTO(role), version: role.version)
        }
        group.delete("roles/{id}") { request, context in
            try await roles.delete(try context.id(entity: "role"), expectedVersion: try request.ifMatchVersion(),
                                   by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}
