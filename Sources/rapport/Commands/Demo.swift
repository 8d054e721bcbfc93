import ArgumentParser
import RapportServices

/// `rapport demo`: a believable kitchen-furniture maker to try Rapport on.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fill the database with a demo kitchen-furniture company.")

    func run() async throws {
        try await reportingFailures {
            try await Runtime.with(try RuntimeSettings.load(), migrate: true) { runtime in
                let summary = try await DemoService(env: runtime.services.env).fill()
                print("Demo company \"\(summary.companyName)\": \(summary.departments) departments, \(summary.users) users, \(summary.companies) client companies, \(summary.contacts) contacts, \(summary.tasks) tasks, \(summary.interactions) interactions, \(summary.leads) leads, \(summary.deals) deals.")
                print("Sign in as \(summary.adminEmail) with the password \(DemoService.password) (every demo user has it).")
            }
        }
    }
}
