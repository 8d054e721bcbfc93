import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

@Suite struct UserServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func creating_a_user_appends_its_event_in_the_same_transaction(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            // setup
            let admin = try await harness.admin()
            let sales = try await harness.department("Sales")
            // MUT
            let user = try await harness.services.users.create(
                UserInput(email: " Anna@Kitchen.Example ", password: "long-enough", firstName: "Anna", lastName: "Morozova",
                          phone: "8 (916) 123-45-67", departmentID: sales.id,
                          roleID: try await harness.roleID(.salesManager), timeZone: "Europe/Moscow", locale: "ru"),
                by: admin)
            // validation
            #expect(user.email == "anna@kitchen.example")
            #expect(user.phoneE164 == "+79161234567")
            let events = try await harness.services.events.list(.init(entity: "user", entityID: user.id), page: .init(),
                                                                by: admin)
            let created = try #require(events.items.first)
            #expect(created.action == .created)
            #expect(created.actorID == admin.userID)
            #expect(created.changes.contains(FieldChange(field: "email", old: nil, new: "anna@kitchen.example")))
            #expect(!created.changes.contains { $0.field == "password" })
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func every_bad_field_is_named(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            do {
                _ = try await harness.services.users.create(
                    UserInput(email: "not-an-email", password: "short", firstName: " ", lastName: "",
                              phone: "call me", roleID: 999_999, timeZone: "Mars/Olympus", locale: "de",
                              workingStatus: "flying"), by: admin)
                Issue.record("the input should have been refused")
            } catch RapportError.validation(let errors) {
                let fields = Set(errors.map(\.field))
                #expect(fields == ["email", "password", "first_name", "last_name", "phone", "time_zone", "locale",
                                   "working_status"])
            }
            // References are checked once the fields are valid.
            await #expect(throws: RapportError.validation([
                FieldError(field: "role_id", code: "not_found", message: "no role with id 999999"),
                FieldError(field: "department_id", code: "not_found", message: "no department with id 888888"),
            ])) {
                try await harness.services.users.create(
                    UserInput(email: "ok@x.example", password: "long-enough", firstName: "A", lastName: "B",
                              departmentID: 888_888, roleID: 999_999), by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_taken_email_is_refused_and_nothing_is_written(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            try await harness.makeUser("taken@x.example")
            let before = try await harness.database.read { db in try await EventStore().count(on: db) }
            await #expect(throws: RapportError.validation([FieldError(field: "email", code: "taken",
                                                                      message: "another user has this e-mail")])) {
                try await harness.services.users.create(
                    UserInput(email: "TAKEN@x.example", password: "long-enough", firstName: "A", lastName: "B",
                              roleID: try await harness.roleID(.support)), by: admin)
            }
            let after = try await harness.database.read { db in try await EventStore().count(on: db) }
            #expect(before == after)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func when_the_event_cannot_be_written_the_user_is_not_written_either(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let users = try await harness.database.read { db in try await UserStore().count(on: db) }
            // setup: the event log refuses every append
            try await harness.database.transaction { db in try await db.raw("DROP TABLE events").run() }
            // MUT
            await #expect(throws: (any Error).self) {
                try await harness.services.users.create(
                    UserInput(email: "ghost@x.example", password: "long-enough", firstName: "G", lastName: "H",
                              roleID: try await harness.roleID(.support)), by: admin)
            }
            // validation
            #expect(try await harness.database.read { db in try await UserStore().count(on: db) } == users)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_stale_version_is_refused_and_keeps_the_newer_change(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let user = try await harness.makeUser("v@x.example", role: .support)
            _ = try await harness.services.users.update(user.id, UserInput(position: "First"), expectedVersion: 1, by: admin)
            await #expect(throws: RapportError.stale(currentVersion: 2)) {
                try await harness.services.users.update(user.id, UserInput(position: "Second"), expectedVersion: 1, by: admin)
            }
            #expect(try await harness.services.users.get(user.id, by: admin).position == "First")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_user_outside_the_scope_is_not_found(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            // setup: sales managers may read users of their own department only
            let admin = try await harness.admin()
            let roleID = try await harness.roleID(.salesManager)
            _ = try await harness.services.roles.update(roleID, .init(permissions: ["user": ["read": "department"]]),
                                                        expectedVersion: nil, by: admin)
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let me = try await harness.principal(try await harness.makeUser("me@x.example", role: .salesManager, department: a.id))
            let colleague = try await harness.makeUser("c@x.example", role: .support, department: a.id)
            let stranger = try await harness.makeUser("s@x.example", role: .support, department: b.id)
            // MUT + validation
            #expect(try await harness.services.users.get(colleague.id, by: me).id == colleague.id)
            await #expect(throws: RapportError.notFound(entity: "user")) {
                try await harness.services.users.get(stranger.id, by: me)
            }
            let listed = try await harness.services.users.list(.init(), page: .init(), by: me).items.map(\.id)
            #expect(Set(listed) == [me.userID, colleague.id])
            // may read a colleague but not change them
            await #expect(throws: RapportError.forbidden) {
                try await harness.services.users.update(colleague.id, UserInput(position: "x"), expectedVersion: nil, by: me)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_disabled_user_cannot_sign_in_and_loses_their_sessions_and_tokens(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let user = try await harness.makeUser("d@x.example", role: .support)
            let session = try await harness.services.auth.login(email: "d@x.example", password: TestHarness.password,
                                                                ip: "10.0.0.1", userAgent: nil)
            let token = try await harness.services.tokens.create(name: "t", expiresInDays: nil, for: user.id, by: nil)
            // MUT
            let disabled = try await harness.services.users.disable(user.id, by: admin)
            // validation
            #expect(!disabled.isActive)
            #expect(try await harness.services.auth.principal(sessionCookie: session.cookieValue) == nil)
            #expect(try await harness.services.auth.principal(bearerToken: token.secret) == nil)
            await #expect(throws: RapportError.forbidden) {
                try await harness.services.auth.login(email: "d@x.example", password: TestHarness.password, ip: nil,
                                                      userAgent: nil)
            }
            let events = try await harness.services.events.list(.init(entityID: user.id, action: "disabled"), page: .init(),
                                                                by: admin)
            #expect(events.items.count == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func nobody_disables_themselves_or_changes_their_own_role(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            await #expect(throws: RapportError.self) {
                try await harness.services.users.update(admin.userID, UserInput(isActive: false), expectedVersion: nil, by: admin)
            }
            await #expect(throws: RapportError.self) {
                try await harness.services.users.update(admin.userID, UserInput(roleID: try await harness.roleID(.support)),
                                                        expectedVersion: nil, by: admin)
            }
        }
    }
}
