import ArgumentParser
import RapportServices

/// `rapport generate`: many believable clients, and a sales team's work with them, for load
/// tests (after `rapport demo`).
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add many generated companies and contacts, a sales team's tasks and interactions, and open deals (after `rapport demo`), for load tests.")

    @Option(help: "How many companies to add.") var companies = 200_000
    @Option(help: "How many contacts to add.") var contacts = 1_000_000
    @Option(help: "How many sales managers to add for the tasks and interactions (0: spread them over the users there are).")
    var users = 0
    @Option(help: "How many tasks to add, spread over the users and the companies.") var tasks = 0
    @Option(help: "How many interactions to add, spread over the users and the companies.") var interactions = 0
    @Option(help: "How many open deals to add to the first deal pipeline, spread over its stages without a gate.") var deals = 0

    func validate() throws {
        guard companies >= 0, contacts >= 0, users >= 0, tasks >= 0, interactions >= 0, deals >= 0 else {
            throw ValidationError("counts must not be negative")
        }
        guard companies + contacts + tasks + interactions + deals > 0 else {
            throw ValidationError("nothing to add: give --companies, --contacts, --tasks, --interactions or --deals")
        }
    }

    func run() async throws {
        try await reportingFailures {
            try await Runtime.with(try RuntimeSettings.load(), migrate: true) { runtime in
                if companies + contacts > 0 {
                    let summary = try await ClientGenerator(env: runtime.services.env)
                        .fill(companies: companies, contacts: contacts) { print($0) }
                    print("Added \(summary.companies) companies and \(summary.contacts) contacts in \(Int(summary.seconds)) s.")
                }
                if tasks + interactions > 0 {
                    let summary = try await WorkGenerator(env: runtime.services.env)
                        .fill(users: users, tasks: tasks, interactions: interactions) { print($0) }
                    print("Added \(summary.users) users, \(summary.tasks) tasks and \(summary.interactions) interactions in \(Int(summary.seconds)) s.")
                }
                if deals > 0 {
                    let summary = try await DealGenerator(env: runtime.services.env).fill(deals: deals) { print($0) }
                    // The last line is for scripts: the first id and the stages the deals stand in.
                    print("Added \(summary.deals) deals in \(Int(summary.seconds)) s.")
                    print("deals first_id=\(summary.firstID) stages=\(summary.stageIDs.map(String.init).joined(separator: ","))")
                }
            }
        }
    }
}
