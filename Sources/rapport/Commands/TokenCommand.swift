import ArgumentParser
import Foundation
import RapportDomain
import RapportServices

/// `rapport token create|list|revoke`.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage personal API tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; prints the secret (shown once).")
        @Option var email: String
        @Option var name: String
        @Option(name: .customLong("expires-in-days")) var expiresInDays: Int?

        func run() async throws {
            try await reportingFailures {
                try await Runtime.with(try RuntimeSettings.load()) { runtime in
                    guard let user = try await runtime.services.users.find(email: email) else { throw Failure("no user \(email)") }
                    let issued = try await runtime.services.tokens.create(name: name, expiresInDays: expiresInDays,
                                                                          for: user.id, by: nil)
                    print(issued.secret)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")

        func run() async throws {
            try await reportingFailures {
                try await Runtime.with(try RuntimeSettings.load()) { runtime in
                    let tokens = try await runtime.services.tokens.list(page: .init(limit: PageRequest.maxLimit), by: nil)
                    print("ID\tUSER\tNAME\tPREFIX\tSTATE")
                    for token in tokens.items {
                        print("\(token.id)\t\(token.userID)\t\(token.name)\t\(token.prefix)…\t\(token.revokedAt == nil ? "active" : "revoked")")
                    }
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id.")
        @Argument var id: Int64

        func run() async throws {
            try await reportingFailures {
                try await Runtime.with(try RuntimeSettings.load()) { runtime in
                    _ = try await runtime.services.tokens.revoke(id, by: nil)
                    print("Revoked token \(id).")
                }
            }
        }
    }
}
