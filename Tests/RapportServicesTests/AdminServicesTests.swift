import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct AdminServicesTests {
    @Test(arguments: TestDatabase.kinds)
    func departments_form_a_tree_without_cycles(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let sales = try await harness.department("Sales")
            let shop = try await harness.department("Shop", parent: sales.id)
            await #expect(throws: RapportError.self) {
                try await harness.services.departments.update(sales.id, .init(parentID: shop.id), expectedVersion: nil,
                                                              by: admin)
            }
            await #expect(throws: RapportError.self) {
                try await harness.services.departments.update(sales.id, .init(parentID: sales.id), expectedVersion: nil,
                                                              by: admin)
            }
            // An empty department can go; one with a sub-department cannot.
            await #expect(throws: RapportError.self) {
                try await harness.services.departments.delete(sales.id, expectedVersion: nil, by: admin)
            }
            try await harness.services.departments.delete(shop.id, expectedVersion: nil, by: admin)
            try await harness.services.departments.delete(sales.id, expectedVersion: nil, by: admin)
            let remaining = try await harness.services.departments.all(by: admin)
            #expect(remaining.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func roles_keep_the_administrator_whole_and_built_ins_in_place(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let adminRole = try await harness.roleID(.administrator)
            await #expect(throws: RapportError.self) {
                try await harness.services.roles.update(adminRole, .init(permissions: ["user": ["delete": "none"]]),
                                                        expectedVersion: nil, by: admin)
            }
            await #expect(throws: RapportError.conflict("built-in roles cannot be deleted")) {
                try await harness.services.roles.delete(try await harness.roleID(.marketer), expectedVersion: nil, by: admin)
            }
            let custom = try await harness.services.roles.create(
                .init(name: "Designers", permissions: ["lead": ["read": "own"]]), by: admin)
            #expect(custom.permissions.scope(.lead, .read) == .own)
            #expect(custom.permissions.scope(.lead, .update) == PermissionScope.none)
            await #expect(throws: RapportError.self) {
                try await harness.services.roles.create(.init(name: "designers"), by: admin)
            }
            _ = try await harness.services.users.create(
                UserInput(email: "d@x.example", password: "long-enough", firstName: "D", lastName: "E", roleID: custom.id),
                by: admin)
            await #expect(throws: RapportError.self) {
                try await harness.services.roles.delete(custom.id, expectedVersion: nil, by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_role_change_is_logged_cell_by_cell(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let role = try await harness.roleID(.salesManager)
            _ = try await harness.services.roles.update(role, .init(permissions: ["deal": ["delete": "own"]]),
                                                        expectedVersion: nil, by: admin)
            let events = try await harness.services.events.list(.init(entity: "role", entityID: role, action: "updated"),
                                                                page: .init(), by: admin)
            #expect(events.items.first?.changes == [FieldChange(field: "permissions.deal.delete", old: "none", new: "own")])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func settings_are_validated(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await harness.services.settings.update(.init(name: "Kitchens", timeZone: "Europe/Moscow", currency: "rub",
                                                                 locale: "ru"), expectedVersion: nil, by: admin)
            let saved = try await harness.services.settings.get(by: admin)
            #expect(saved.currency == "RUB")
            do {
                _ = try await harness.services.settings.update(.init(timeZone: "Nowhere/City", currency: "XXX", locale: "fr"),
                                                               expectedVersion: nil, by: admin)
                Issue.record("should be refused")
            } catch RapportError.validation(let errors) {
                #expect(Set(errors.map(\.field)) == ["time_zone", "currency", "locale"])
            }
            await #expect(throws: RapportError.stale(currentVersion: 1)) {
                try await harness.services.settings.update(.init(name: "Other"), expectedVersion: 7, by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func the_first_administrator_is_created_once(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let setup = harness.services.setup
            #expect(try await setup.needsFirstAdministrator())
            let input = SetupService.FirstAdministrator(
                companyName: "Кухни", timeZone: "Europe/Moscow", currency: "RUB", locale: "ru",
                user: UserInput(email: "boss@x.example", password: "long-enough", firstName: "B", lastName: "C"))
            let admin = try await setup.createFirstAdministrator(input)
            #expect(admin.roleID == (try await harness.roleID(.administrator)))
            #expect(!(try await setup.needsFirstAdministrator()))
            let roleName = try await harness.services.roles.get(admin.roleID, by: try await harness.principal(admin)).name
            #expect(roleName == "Администратор")
            await #expect(throws: RapportError.conflict("Rapport already has users; sign in instead")) {
                try await setup.createFirstAdministrator(input)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func the_demo_company_has_every_role(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let summary = try await DemoService(env: harness.services.env).fill()
            #expect(summary.users >= BuiltInRole.allCases.count)
            let admin = try await harness.principal(try #require(try await harness.services.users.find(email: summary.adminEmail)))
            // tasks around the clients, some overdue, some done
            #expect(summary.tasks == 60)
            // (the stages of the leads and deals made their own tasks besides)
            let all = try await harness.services.tasks.list(.init(view: .all), page: .init(limit: 500), by: admin).items
                .filter { $0.link?.entity != "lead" && $0.link?.entity != "deal" }
            #expect(all.count == 60 && all.contains { $0.status == .done } && all.contains { $0.isOverdue(at: harness.clock.now()) })
            #expect(summary.leads == 48 && summary.deals == 36)
            let users = try await harness.services.users.list(.init(), page: .init(limit: 500), by: admin).items
            for role in BuiltInRole.allCases {
                let id = try await harness.roleID(role)
                #expect(users.contains { $0.roleID == id }, "no demo user is a \(role)")
            }
            await #expect(throws: RapportError.self) { try await DemoService(env: harness.services.env).fill() }
        }
    }
}
