import ArgumentParser
import Foundation
import Logging
import RapportStore

/// `rapport restore FILE`: replaces the database with a backup. Stop the server first.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore the database from a backup made by `rapport backup` (stop the server first).")

    @Argument(help: "The backup file.") var file: String
    @Flag(help: "Replace a database that already holds data.") var force = false

    func run() async throws {
        try await reportingFailures {
            let settings = try RuntimeSettings.load()
            guard FileManager.default.fileExists(atPath: file) else { throw Failure("\(file) does not exist") }
            switch settings.databaseURL {
            case .sqlite(let path):
                try await restoreSQLite(from: file, to: path, settings: settings)
            case .postgres(let host, let port, let user, let password, let database):
                guard force else { throw Failure("restoring PostgreSQL replaces every table; add --force to go on") }
                try PostgresTools.run("pg_restore", ["--clean", "--if-exists", "--no-owner", "-h", host, "-p", String(port),
                                                     "-U", user, "-d", database, file], password: password)
            }
            print("Restored from \(file).")
        }
    }

    /// Checks the backup opens and is a Rapport database, then swaps it in with a rename,
    /// so the live file is either the old one or the new one, never half of each.
    func restoreSQLite(from backup: String, to path: String, settings: RuntimeSettings) async throws {
        let logger = Logger(label: "rapport.restore")
        let check = try await Database.open(.sqlite(path: backup), logger: logger, readerCount: 1)
        let pending = try await Migrator(database: check).pending()
        await check.close()
        if pending.count == AllMigrations.list.count { throw Failure("\(backup) is not a Rapport database") }
        if FileManager.default.fileExists(atPath: path), !force {
            throw Failure("\(path) already exists; add --force to replace it")
        }
        let staging = path + ".restoring"
        try? FileManager.default.removeItem(atPath: staging)  // a leftover of an interrupted restore, if any
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backup, toPath: staging)
        // The old database's log and shared memory must not be applied to the new file; absent is fine.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        if rename(staging, path) != 0 { throw Failure("cannot replace \(path): \(String(cString: strerror(errno)))") }
    }
}
