import ArgumentParser
import Foundation
import RapportDomain
import RapportHTTP
import RapportServices

/// `rapport export companies|contacts`: the list export from the command line, as the given
/// user may export it, with the same filters as the API and no row limit.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export companies or contacts to CSV, XLSX or vCard, with a progress bar.")

    @Argument(help: "companies or contacts.") var list: String
    @Option(name: .customLong("as"), help: "The e-mail of the user the export runs as (their export rights apply).") var user: String
    @Option(help: "csv, xlsx or vcf.") var format = "csv"
    @Option(name: .customLong("vcard-version"), help: "3.0 or 4.0, for vcf.") var vCardVersion = "3.0"
    @Option(help: "Filters as in the API, e.g. \"region=Москва&cf.style=classic\".") var filter = ""
    @Option(help: "The file to write.") var output: String

    func validate() throws {
        guard ["companies", "contacts"].contains(list) else { throw ValidationError("the list is companies or contacts") }
        guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format is csv, xlsx or vcf") }
        guard VCard.Version(rawValue: vCardVersion) != nil else { throw ValidationError("--vcard-version is 3.0 or 4.0") }
    }

    func run() async throws {
        try await reportingFailures {
            try await Runtime.with(try RuntimeSettings.load()) { runtime in
                let services = runtime.services
                guard let account = try await services.users.find(email: user) else { throw Failure("no user \(user)") }
                let principal = try await services.auth.consolePrincipal(userID: account.id)
                let query = try ClientFilters.query(filter)
                let bar = ProgressBar(label: "exporting", total: nil)
                let count = try await services.export.write(
                    list == "companies" ? .company : .contact, format: ExportFormat(rawValue: format)!, query: query,
                    vCard: VCard.Version(rawValue: vCardVersion)!, limit: nil, to: URL(fileURLWithPath: output), by: principal
                ) { done in bar.update(done) }
                bar.finish(count)
                print("\(count) \(list) written to \(output)")
            }
        }
    }
}
