import Foundation
import Logging
import RapportDomain
import RapportHTTP
import RapportServices
import RapportStore

/// A database with the services on top, a clock the test moves, and helpers to make people.
public struct TestHarness: Sendable {
    public let database: Database
    public let clock: ManualClock
    public let services: ServiceSet

    public init(database: Database) {
        self.database = database
        self.clock = ManualClock()
        var logger = Logger(label: "rapport.test")
        logger.logLevel = .warning
        let fonts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/RapportHTTP/Resources/Fonts")
        let env = ServiceEnvironment(database: database, clock: clock, hasher: PasswordHasher(cost: 4), logger: logger,
                                     fonts: DocumentFonts(folder: fonts))
        self.services = ServiceSet(env: env)
    }

    /// Runs `body` with a harness on a fresh database of `kind`.
    public static func with<T>(_ kind: DatabaseKind, _ body: (TestHarness) async throws -> T) async throws -> T {
        try await TestDatabase.with(kind) { database in
            let harness = TestHarness(database: database)
            defer { try? FileManager.default.removeItem(at: harness.services.env.files.root) }  // the test's own folder
            try await harness.services.setup.ensureBuiltInRoles()
            return try await body(harness)
        }
    }

    public static let password = "correct-horse-1"

    /// The id of a built-in role.
    public func roleID(_ role: BuiltInRole) async throws -> Int64 {
        try await database.read { db in try await RoleStore().find(key: role.rawValue, on: db)!.id }
    }

    /// Creates a user (by the system) with a built-in role and optional department.
    @discardableResult
    public func makeUser(_ email: String, role: BuiltInRole = .administrator, department: Int64? = nil,
                         first: String = "Test", last: String = "User") async throws -> User {
        try await services.users.create(
            UserInput(email: email, password: Self.password, firstName: first, lastName: last, departmentID: department,
                      roleID: try await roleID(role)),
            by: nil)
    }

    /// The principal a user acts as from the command line (same rights as on the web).
    public func principal(_ user: User) async throws -> Principal {
        try await services.auth.consolePrincipal(userID: user.id)
    }

    /// An administrator and their principal.
    public func admin(_ email: String = "admin@test.example") async throws -> Principal {
        try await principal(try await makeUser(email))
    }

    public func department(_ name: String, parent: Int64? = nil) async throws -> Department {
        try await services.departments.create(.init(name: name, parentID: parent), by: nil)
    }
}

/// A refusal as `field:code` pairs (a validation error), or the error itself as text.
public func fieldCodes(_ error: any Error) -> [String] {
    guard case RapportError.validation(let errors) = error else { return ["\(error)"] }
    return errors.map { "\($0.field):\($0.code)" }
}
