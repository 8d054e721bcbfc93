import ArgumentParser
import Foundation
import Logging
import RapportDomain
import RapportServices
import RapportWorkers

/// `rapport import FILE`: the web import from the command line — the same reading, mapping,
/// checks, duplicate policy, batches and report — with a progress bar. The import is a job
/// like any other: if a running server takes it, this command follows its progress.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import companies or contacts from a CSV, XLSX or vCard file, with a progress bar.")

    @Argument(help: "The file to import.") var file: String
    @Option(help: "What the rows are: company or contact.") var entity: String
    @Option(name: .customLong("as"), help: "The e-mail of the user the import runs as (their rights apply).") var user: String
    @Option(help: "A row that looks like an existing client: skip, update or create.") var duplicates = "skip"
    @Option(name: .customLong("map"), help: "Column number (from 0) = field, e.g. --map 2=phones; repeatable. Unnamed columns keep the guessed mapping.")
    var mappings: [String] = []
    @Option(help: "Where to write the report of skipped and refused rows (CSV).") var report: String?
    @Flag(help: "Show the mapping and the first rows checked, and import nothing.") var preview = false

    func run() async throws {
        try await reportingFailures {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw Failure("cannot read \(file)") }
            try await Runtime.with(try RuntimeSettings.load()) { runtime in
                let services = runtime.services
                guard let account = try await services.users.find(email: user) else { throw Failure("no user \(user)") }
                let principal = try await services.auth.consolePrincipal(userID: account.id)
                var item = try await services.imports.upload(entity: entity, fileName: URL(fileURLWithPath: file).lastPathComponent,
                                                             bytes: bytes, by: principal)
                var mapping = item.mapping
                for text in mappings {
                    let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, let column = Int(parts[0]) else { throw Failure("--map \(text): write COLUMN=FIELD") }
                    if parts[1].isEmpty { mapping[column] = nil } else { mapping[column] = parts[1] }
                }
                item = try await services.imports.configure(item.id, mapping: mapping, policy: duplicates, by: principal)
                print("\(item.totalRows) rows in \(item.fileName) (\(item.format)); columns:")
                for (index, column) in item.columns.enumerated() {
                    print("  \(index) \(column) → \(item.mapping[index] ?? "(not imported)")")
                }
                if preview {
                    for row in try await services.imports.preview(item.id, by: principal) {
                        print("  line \(row.row + 1): \(row.outcome.rawValue)\(row.reason.isEmpty ? "" : " — \(row.reason)")")
                    }
                    return
                }
                item = try await services.imports.start(item.id, by: principal)
                let done = try await follow(item, runtime: runtime, principal: principal)
                print("created \(done.created), updated \(done.updated), skipped \(done.skipped), refused \(done.rejected)")
                if let report, done.skipped + done.rejected > 0 {
                    try Data(try await services.imports.report(item.id, by: principal).utf8).write(to: URL(fileURLWithPath: report))
                    print("report: \(report)")
                }
                if let error = done.error { throw Failure("the import failed: \(error)") }
            }
        }
    }

    /// Runs due import jobs here (this one among them) until this import ends, drawing its progress.
    func follow(_ item: ClientImport, runtime: Runtime, principal: Principal) async throws -> ClientImport {
        let bar = ProgressBar(label: "importing", total: item.totalRows)
        let importer = ImportService(env: runtime.services.env) { done in bar.update(done) }
        var logger = runtime.logger
        logger.logLevel = .error
        let worker = JobWorker(queue: runtime.services.jobs, handlers: [importer], logger: logger)
        while true {
            let current = try await runtime.services.imports.get(item.id, by: principal)
            if current.state == .done || current.state == .failed {
                bar.finish(current.processed)
                return current
            }
            if try await !worker.runNext() {
                // Another process holds the job (a server's worker), or it waits for a retry.
                bar.update(current.processed)
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }
}
