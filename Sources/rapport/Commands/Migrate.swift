import ArgumentParser
import RapportStore

/// `rapport migrate`: applies pending schema migrations.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    func run() async throws {
        try await reportingFailures {
            let settings = try RuntimeSettings.load()
            let runtime = try await Runtime.open(settings)
            do {
                let applied = try await Migrator(database: runtime.database).migrate()
                try await runtime.services.setup.ensureBuiltInRoles()
                print(applied.isEmpty ? "The database is up to date." : "Applied migrations: \(applied.map(String.init).joined(separator: ", "))")
                await runtime.close()
            } catch let error as MigrationError {
                await runtime.close()
                throw Failure(error.description)
            } catch {
                await runtime.close()
                throw error
            }
        }
    }
}
