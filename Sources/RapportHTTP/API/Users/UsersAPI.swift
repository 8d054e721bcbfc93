import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/api/v1/users` and `/api/v1/me`.
struct UsersAPI {
    let users: UserService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("me") { _, context in
            let user = try context.requirePrincipal().user
            return try JSONResponse.make(UserDTO(user), version: user.version)
        }
        group.get("users") { request, context in
            let query = QueryReader(request: request)
            let filter = UserQuery(
                search: try query.string("q"), departmentID: try query.int64("department_id"),
                roleID: try query.int64("role_id"), isActive: try query.bool("is_active"),
                workingStatus: try query.oneOf("working_status", WorkingStatus.self),
                sort: try query.oneOf("sort", UserQuery.Sort.self) ?? .id,
                descending: try query.oneOf("order", SortOrder.self) == .desc)
            let page = try await users.list(filter, page: try query.page(), by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page, UserDTO.init))
        }
        group.post("users") { request, context in
            let body = try await JSONBody.decode(UserBody.self, from: request, context: context)
            let user = try await users.create(body.input, by: try context.requirePrincipal())
            return try JSONResponse.make(UserDTO(user), status: .created, version: user.version,
                                         headers: [.location: "/api/v1/users/\(user.id)"])
        }
        group.get("users/{id}") { _, context in
            let user = try await users.get(try context.id(entity: "user"), by: try context.requirePrincipal())
            return try JSONResponse.make(UserDTO(user), version: user.version)
        }
        group.patch("users/{id}") { request, context in
            let id = try context.id(entity: "user")
            let body = try await JSONBody.decode(UserBody.self, from: request, context: context)
            let user = try await users.update(id, body.input, expectedVersion: try request.ifMatchVersion(),
                                              by: try context.requirePrincipal())
            return try JSONResponse.make(UserDTO(user), version: user.version)
        }
        group.post("users/{id}/disable") { _, context in
            let user = try await users.disable(try context.id(entity: "user"), by: try context.requirePrincipal())
            return try JSONResponse.make(UserDTO(user), version: user.version)
        }
        group.post("users/{id}/password") { request, context in
            let id = try context.id(entity: "user")
            let body = try await JSONBody.decode(PasswordBody.self, from: request, context: context)
            try await users.setPassword(id, body.password, by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}

/// `?order=asc|desc` on lists.
enum SortOrder: String, CaseIterable {
    case asc, desc
}
