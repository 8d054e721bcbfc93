import ArgumentParser
import Foundation
import RapportDomain
import RapportServices
import RapportStore

/// `rapport user create|list|set-password|disable`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.",
        subcommands: [Create.self, List.self, SetPassword.self, Disable.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; prints the new id.")
        @Option var email: String
        @Option var password: String
        @Option(name: .customLong("first-name")) var firstName: String
        @Option(name: .customLong("last-name")) var lastName: String
        @Option(help: "Role key (administrator, head_of_sales, sales_manager, field_technician, marketer, support) or name.")
        var role: String = BuiltInRole.administrator.rawValue
        @Option(help: "Department name.") var department: String?

        func run() async throws {
            try await reportingFailures {
                try await Runtime.with(try RuntimeSettings.load()) { runtime in
                    let (roleID, departmentID) = try await runtime.database.read { db -> (Int64?, Int64?) in
                        var found = try await RoleStore().find(key: role, on: db)
                        if found == nil { found = try await RoleStore().findByName(role, on: db) }
                        let department = try await department.asyncFlatMap { name in
                            try await DepartmentStore().all(on: db).first { $0.name.lowercased() == name.lowercased() }
                        }
                        return (found?.id, department?.id)
                    }
                    guard let roleID else { throw Failure("no role \(role)") }
                    if department != nil && departmentID == nil { throw Failure("no department \(department!)") }
                    let user = try await runtime.services.users.create(
                        UserInput(email: email, password: password, firstName: firstName, lastName: lastName,
                                  departmentID: departmentID, roleID: roleID), by: nil)
                    print(user.id)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")

        func run() async throws {
            try await reportingFailures {
                try await Runtime.with(try RuntimeSettings.load()) { runtime in
                    let users = try await runtime.database.read { db in
                        try await UserStore().list(.init(), scope: .all,
                                                   subject: AccessSubject(userID: 0, departmentID: nil, departmentSubtree: [],
                                                                          permissions: .init()),
                                                   page: .init(limit: PageRequest.maxLimit), on: db).items
                    }
                    print("ID\tACTIVE\tEMAIL\tNAME\tROLE")
                    for user in users {
                        print("\(user.id)\t\(user.isActive ? "yes" : "no")\t\(user.email)\t\(user.displayName)\t\(user.roleID)")
                    }
                }
            }
        }
    }

    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-password", abstract: "Set a user's password.")
        @Option var email: String
        @Option var password: String

        func run() async throws {
            try await reportingFailures {
                try await Runtime.with(try RuntimeSettings.load()) { runtime in
                    guard let user = try await runtime.services.users.find(email: email) else { throw Failure("no user \(email)") }
                    try await runtime.services.users.setPassword(user.id, password, by: nil)
                    print("Password set for \(user.email); their sessions were ended.")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: no sign-in, sessions ended.")
        @Option var email: String

        func run() async throws {
            try await reportingFailures {
                try await Runtime.with(try RuntimeSettings.load()) { runtime in
                    guard let user = try await runtime.services.users.find(email: email) else { throw Failure("no user \(email)") }
                    _ = try await runtime.services.users.disable(user.id, by: nil)
                    print("Disabled \(user.email).")
                }
            }
        }
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
