import ArgumentParser
import Foundation
import RapportStore

/// `rapport backup FILE`: a consistent copy while Rapport keeps running.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Back up the database to FILE (SQLite: an online copy; PostgreSQL: pg_dump -Fc).")

    @Argument(help: "The file to write; it must not exist yet.") var file: String

    func run() async throws {
        try await reportingFailures {
            let settings = try RuntimeSettings.load()
            guard !FileManager.default.fileExists(atPath: file) else { throw Failure("\(file) already exists") }
            switch settings.databaseURL {
            case .sqlite:
                try await Runtime.with(settings) { runtime in
                    try await runtime.database.backupSQLite(to: file)
                }
            case .postgres(let host, let port, let user, let password, let database):
                try PostgresTools.run("pg_dump", ["-Fc", "-h", host, "-p", String(port), "-U", user, "-f", file, database],
                                      password: password)
            }
            print("Backed up to \(file).")
        }
    }
}

/// `pg_dump` and `pg_restore` for PostgreSQL backups.
enum PostgresTools {
    static func run(_ tool: String, _ arguments: [String], password: String?) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        process.environment = environment
        do {
            try process.run()
        } catch {
            throw Failure("cannot run \(tool) (install the PostgreSQL client tools): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure("\(tool) failed with exit code \(process.terminationStatus)")
        }
    }
}
