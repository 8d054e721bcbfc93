import ArgumentParser
import RapportServices

/// `rapport generate`: many believable clients, for load tests (after `rapport demo`).
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add many generated companies and contacts (after `rapport demo`), for load tests.")

    @Option(help: "How many companies to add.") var companies = 200_000
    @Option(help: "How many contacts to add.") var contacts = 1_000_000

    func validate() throws {
        guard companies >= 0, contacts >= 0, companies + contacts > 0 else {
            throw ValidationError("--companies and --contacts must not be negative, and one must be positive")
        }
    }

    func run() async throws {
        try await reportingFailures {
            try await Runtime.with(try RuntimeSettings.load(), migrate: true) { runtime in
                let summary = try await ClientGenerator(env: runtime.services.env)
                    .fill(companies: companies, contacts: contacts) { print($0) }
                print("Added \(summary.companies) companies and \(summary.contacts) contacts in \(Int(summary.seconds)) s.")
            }
        }
    }
}
