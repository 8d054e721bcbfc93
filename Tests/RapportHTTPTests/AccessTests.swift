import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Who may see and change what through the API, and the rules that protect reference data.
@Suite struct AccessTests {
    /// Two departments, an administrator, a sales manager and a colleague in A, an outsider in B.
    struct World {
        var admin: Principal
        var adminToken: String
        var departmentA: Department
        var departmentB: Department
        var manager: User
        var managerToken: String
        var colleague: User
        var outsider: User
        var salesManagerRoleID: Int64
    }

    static func world(_ harness: TestHarness) async throws -> World {
        let admin = try await adminWithToken(harness)
        let a = try await harness.department("Department A")
        let b = try await harness.department("Department B")
        let manager = try await harness.makeUser("manager@test.example", role: .salesManager, department: a.id)
        let colleague = try await harness.makeUser("colleague@test.example", role: .salesManager, department: a.id)
        let outsider = try await harness.makeUser("outsider@test.example", role: .salesManager, department: b.id)
        let managerToken = try await apiToken(harness, for: manager)
        let roleID = try await harness.roleID(.salesManager)
        return World(admin: admin.principal, adminToken: admin.token, departmentA: a, departmentB: b,
                     manager: manager, managerToken: managerToken, colleague: colleague, outsider: outsider,
                     salesManagerRoleID: roleID)
    }

    /// Narrows the sales manager role's user read scope to their own department.
    static func narrowUserReadToDepartment(_ harness: TestHarness, _ world: World) async throws {
        let role = try await harness.services.roles.update(
            world.salesManagerRoleID, .init(permissions: ["user": ["read": "department"]]), expectedVersion: nil,
            by: world.admin)
        #expect(role.permissions.scope(.user, .read) == .department)
    }

    // MARK: Record scope

    @Test(arguments: TestDatabase.kinds)
    func the_built_in_sales_manager_reads_every_user(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let world = try await Self.world(harness)
            let answer = try await client.api(.get, "/api/v1/users/\(world.outsider.id)", token: world.managerToken)
            #expect(answer.status == .ok)
            let list = try await client.api(.get, "/api/v1/users", token: world.managerToken)
            #expect(try decode(WireList<WireUser>.self, list.body).data.count == 4)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func department_scope_hides_other_departments_as_not_found(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let world = try await Self.world(harness)
            try await Self.narrowUserReadToDepartment(harness, world)

            let own = try await client.api(.get, "/api/v1/users/\(world.colleague.id)", token: world.managerToken)
            #expect(own.status == .ok)
            #expect(try decode(WireUser.self, own.body).email == "colleague@test.example")
            let me = try await client.api(.get, "/api/v1/users/\(world.manager.id)", token: world.managerToken)
            #expect(me.status == .ok)

            // Someone in another department, or in none, is "not found", exactly like an id that does not exist.
            let other = try await client.api(.get, "/api/v1/users/\(world.outsider.id)", token: world.managerToken)
            #expect(other.status == .notFound)
            let otherDoc = try problem(other)
            let missing = try await client.api(.get, "/api/v1/users/999999", token: world.managerToken)
            #expect(missing.status == .notFound)
            #expect(try problem(missing).detail == otherDoc.detail)
            #expect(!other.body.contains("outsider"))
            let admin = try await client.api(.get, "/api/v1/users/\(world.admin.userID)", token: world.managerToken)
            #expect(admin.status == .notFound)

            let list = try await client.api(.get, "/api/v1/users", token: world.managerToken)
            #expect(list.status == .ok)
            let ids = try decode(WireList<WireUser>.self, list.body).data.map(\.id)
            #expect(Set(ids) == [world.manager.id, world.colleague.id])
            #expect(ids.count == 2)

            // Filtering for the other department finds nothing rather than leaking it.
            let filtered = try await client.api(.get, "/api/v1/users?department_id=\(world.departmentB.id)",
                                                token: world.managerToken)
            #expect(filtered.status == .ok)
            #expect(try decode(WireList<WireUser>.self, filtered.body).data.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_manager_cannot_create_users(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let world = try await Self.world(harness)
            try await Self.narrowUserReadToDepartment(harness, world)

            func body(_ email: String, department: Int64) -> String {
                """
                {"email": "\(email)", "password": "\(TestHarness.password)", "first_name": "New",
                 "last_name": "Person", "role_id": \(world.salesManagerRoleID), "department_id": \(department)}
                """
            }
            // Into their own department, which they can read: forbidden.
            let own = try await client.api(.post, "/api/v1/users", token: world.managerToken,
                                           json: body("new-a@test.example", department: world.departmentA.id))
            #expect(own.status == .forbidden)
            #expect(try problem(own).type.hasSuffix("/forbidden"))
            // Into a department they cannot read: not found.
            let other = try await client.api(.post, "/api/v1/users", token: world.managerToken,
                                             json: body("new-b@test.example", department: world.departmentB.id))
            #expect(other.status == .notFound)
            #expect(isProblem(other))

            #expect(try await harness.services.users.find(email: "new-a@test.example") == nil)
            #expect(try await harness.services.users.find(email: "new-b@test.example") == nil)

            // The same request by an administrator works.
            let byAdmin = try await client.api(.post, "/api/v1/users", token: world.adminToken,
                                               json: body("new-a@test.example", department: world.departmentA.id))
            #expect(byAdmin.status == .created)
            #expect(try await harness.services.users.find(email: "new-a@test.example") != nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_manager_cannot_change_users_or_roles(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let world = try await Self.world(harness)
            try await Self.narrowUserReadToDepartment(harness, world)

            let colleague = try await client.api(.patch, "/api/v1/users/\(world.colleague.id)",
                                                 token: world.managerToken, json: #"{"position": "Boss"}"#)
            #expect(colleague.status == .forbidden)
            let outsider = try await client.api(.patch, "/api/v1/users/\(world.outsider.id)",
                                                token: world.managerToken, json: #"{"position": "Boss"}"#)
            #expect(outsider.status == .notFound)
            let stored = try await harness.services.users.get(world.colleague.id, by: world.admin)
            #expect(stored.position == nil)

            // No read right on roles at all: the whole entity is "not found".
            let roles = try await client.api(.get, "/api/v1/roles", token: world.managerToken)
            #expect(roles.status == .notFound)
            let grant = try await client.api(.patch, "/api/v1/roles/\(world.salesManagerRoleID)",
                                             token: world.managerToken,
                                             json: #"{"permissions": {"user": {"create": "all"}}}"#)
            #expect(grant.status == .notFound)
            let role = try await harness.services.roles.get(world.salesManagerRoleID, by: world.admin)
            #expect(role.permissions.scope(.user, .create) == .none)
        }
    }

    // MARK: Protected reference data

    @Test(arguments: TestDatabase.kinds)
    func the_administrator_role_keeps_every_right(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let roleID = try await harness.roleID(.administrator)
            let answer = try await client.api(.patch, "/api/v1/roles/\(roleID)", token: admin.token,
                                              json: #"{"permissions": {"user": {"read": "none"}}}"#)
            #expect(answer.status == .unprocessableContent)
            #expect(try problem(answer).fields == ["permissions"])

            let role = try await client.api(.get, "/api/v1/roles/\(roleID)", token: admin.token)
            #expect(role.status == .ok)
            #expect(role.headers[.eTag] == "\"1\"")
            let body = try decode(WireRole.self, role.body)
            #expect(body.permissions["user"]?["read"] == "all")
            let everyCellAll = body.permissions.values.allSatisfy { actions in actions.values.allSatisfy { $0 == "all" } }
            #expect(everyCellAll)

            // Renaming it is fine.
            let renamed = try await client.api(.patch, "/api/v1/roles/\(roleID)", token: admin.token,
                                               json: #"{"name": "Admins"}"#)
            #expect(renamed.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func unknown_permission_keys_are_422_naming_the_cell(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let roleID = try await harness.roleID(.marketer)
            let answer = try await client.api(.patch, "/api/v1/roles/\(roleID)", token: admin.token,
                                              json: #"{"permissions": {"lead": {"read": "everything"}}}"#)
            #expect(answer.status == .unprocessableContent)
            #expect(try problem(answer).fields == ["permissions.lead.read"])
            let role = try await harness.services.roles.get(roleID, by: admin.principal)
            #expect(role.permissions.scope(.lead, .read) == .all)
            #expect(role.version == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func built_in_roles_cannot_be_deleted(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            for role in [BuiltInRole.marketer, .administrator] {
                let roleID = try await harness.roleID(role)
                let answer = try await client.api(.delete, "/api/v1/roles/\(roleID)", token: admin.token)
                #expect(answer.status == .conflict, "\(role)")
                #expect(try problem(answer).type.hasSuffix("/conflict"))
                #expect(try await client.api(.get, "/api/v1/roles/\(roleID)", token: admin.token).status == .ok)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_role_in_use_cannot_be_deleted(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let created = try await client.api(.post, "/api/v1/roles", token: admin.token,
                                               json: #"{"name": "Custom", "permissions": {"user": {"read": "own"}}}"#)
            #expect(created.status == .created)
            let role = try decode(WireRole.self, created.body)
            #expect(role.key == nil)
            #expect(role.permissions["user"]?["read"] == "own")
            let holder = try await harness.services.users.create(
                UserInput(email: "holder@test.example", password: TestHarness.password, firstName: "Role",
                          lastName: "Holder", roleID: role.id),
                by: nil)

            let refused = try await client.api(.delete, "/api/v1/roles/\(role.id)", token: admin.token)
            #expect(refused.status == .conflict)
            #expect(isProblem(refused))
            #expect(try await client.api(.get, "/api/v1/roles/\(role.id)", token: admin.token).status == .ok)

            // Once nobody holds it, it goes.
            let supportRoleID = try await harness.roleID(.support)
            let moved = try await client.api(.patch, "/api/v1/users/\(holder.id)", token: admin.token,
                                             json: #"{"role_id": \#(supportRoleID)}"#)
            #expect(moved.status == .ok)
            let deleted = try await client.api(.delete, "/api/v1/roles/\(role.id)", token: admin.token)
            #expect(deleted.status == .noContent)
            #expect(try await client.api(.get, "/api/v1/roles/\(role.id)", token: admin.token).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_department_with_members_or_children_cannot_be_deleted(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let staffed = try await harness.department("Staffed")
            _ = try await harness.makeUser("member@test.example", role: .salesManager, department: staffed.id)
            let parent = try await harness.department("Parent")
            _ = try await harness.department("Child", parent: parent.id)
            let empty = try await harness.department("Empty")

            for department in [staffed, parent] {
                let answer = try await client.api(.delete, "/api/v1/departments/\(department.id)", token: admin.token)
                #expect(answer.status == .conflict, "\(department.name)")
                #expect(isProblem(answer))
                let stored = try await harness.services.departments.get(department.id, by: admin.principal)
                #expect(stored.name == department.name)
            }
            let member = try await harness.services.users.find(email: "member@test.example")
            #expect(member?.departmentID == staffed.id)

            let deleted = try await client.api(.delete, "/api/v1/departments/\(empty.id)", token: admin.token)
            #expect(deleted.status == .noContent)
            let gone = try await client.api(.get, "/api/v1/departments/\(empty.id)", token: admin.token)
            #expect(gone.status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_department_cannot_move_under_itself_or_its_descendants(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let top = try await harness.department("Top")
            let child = try await harness.department("Child", parent: top.id)
            let grandchild = try await harness.department("Grandchild", parent: child.id)
            let path = "/api/v1/departments/\(top.id)"

            for target in [child.id, grandchild.id, top.id] {
                let answer = try await client.api(.patch, path, token: admin.token, json: #"{"parent_id": \#(target)}"#)
                #expect(answer.status == .unprocessableContent, "under \(target)")
                #expect(try problem(answer).fields == ["parent_id"], "under \(target)")
            }
            let stored = try await harness.services.departments.get(top.id, by: admin.principal)
            #expect(stored.parentID == nil)
            #expect(stored.version == 1)

            // Moving the other way round is allowed.
            let other = try await harness.department("Other")
            let fine = try await client.api(.patch, "/api/v1/departments/\(grandchild.id)", token: admin.token,
                                            json: #"{"parent_id": \#(other.id)}"#)
            #expect(fine.status == .ok)
            #expect(try decode(WireDepartment.self, fine.body).parentId == other.id)
        }
    }
}
