import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// A department as the API shows it.
struct DepartmentDTO: Encodable {
    var id: Int64
    var name: String
    var parentID: Int64?
    var headUserID: Int64?
    var createdAt: Date
    var updatedAt: Date
    var version: Int64

    enum CodingKeys: String, CodingKey {
        case id, name, version
        case parentID = "parent_id", headUserID = "head_user_id", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ d: Department) {
        id = d.id; name = d.name; parentID = d.parentID; headUserID = d.headUserID; createdAt = d.createdAt
        updatedAt = d.updatedAt; version = d.version
    }
}

/// `POST` and `PATCH /api/v1/departments`; `parent_id`/`head_user_id` 0 clears them.
struct DepartmentBody: StrictInput {
    var name: String?
    var parentID: Int64?
    var headUserID: Int64?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name
        case parentID = "parent_id", headUserID = "head_user_id"
    }
    typealias Keys = CodingKeys

    var input: DepartmentService.Input { .init(name: name, parentID: parentID, headUserID: headUserID) }
}

/// `/api/v1/departments`.
struct DepartmentsAPI {
    let departments: DepartmentService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("departments") { request, context in
            let query = QueryReader(request: request)
            let page = try await departments.list(parentID: try query.int64("parent_id"), page: try query.page(),
                                                  by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(page, DepartmentDTO.init))
        }
        group.post("departments") { request, context in
            let body = try await JSONBody.decode(DepartmentBody.self, from: request, context: context)
            let department = try await departments.create(body.input, by: try context.requirePrincipal())
            return try JSONResponse.make(DepartmentDTO(department), status: .created, version: department.version,
                                         headers: [.location: "/api/v1/departments/\(department.id)"])
        }
        group.get("departments/{id}") { _, context in
            let department = try await departments.get(try context.id(entity: "department"),
                                                       by: try context.requirePrincipal())
            return try JSONResponse.make(DepartmentDTO(department), version: department.version)
        }
        group.patch("departments/{id}") { request, context in
            let id = try context.id(entity: "department")
            let body = try await JSONBody.decode(DepartmentBody.self, from: request, context: context)
            let department = try await departments.update(id, body.input, expectedVersion: try request.ifMatchVersion(),
                                                          by: try context.requirePrincipal())
            return try JSONResponse.make(DepartmentDTO(department), version: department.version)
        }
        group.delete("departments/{id}") { request, context in
            try await departments.delete(try context.id(entity: "department"),
                                         expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }
}
