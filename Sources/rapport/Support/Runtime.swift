import ArgumentParser
import Foundation
import Logging
import RapportHTTP
import RapportServices
import RapportStore

/// An open database with its services, for one command's run.
struct Runtime {
    let settings: RuntimeSettings
    let database: Database
    let services: ServiceSet
    let logger: Logger

    /// Opens the database named by the settings. Exits 1 with a clear message when it cannot.
    static func open(_ settings: RuntimeSettings, logLabel: String = "rapport") async throws -> Runtime {
        LogSetup.bootstrap(settings)
        let logger = Logger(label: logLabel)
        let database: Database
        do {
            database = try await Database.open(settings.databaseURL, logger: logger)
        } catch {
            throw Failure("\(error)")
        }
        let env = ServiceEnvironment(database: database, hasher: PasswordHasher(cost: settings.bcryptCost), logger: logger,
                                     files: FileStore(root: URL(fileURLWithPath: settings.filesDirectory, isDirectory: true)),
                                     maxAttachmentBytes: settings.maxAttachmentBytes,
                                     fonts: DocumentFonts(folder: settings.resources.root.appendingPathComponent("Fonts")))
        return Runtime(settings: settings, database: database, services: ServiceSet(env: env), logger: logger)
    }

    /// Refuses to go on while migrations are pending; an empty database is migrated at once.
    func requireMigrated(migrateIfNeeded: Bool) async throws {
        let applied: [Int]
        do {
            applied = try await Migrator(database: database).prepareForStart(migrateIfNeeded: migrateIfNeeded)
        } catch let error as MigrationError {
            throw Failure(error.description)
        }
        guard !applied.isEmpty else { return }
        logger.info("migrated the database", metadata: ["versions": "\(applied)"])
        try await services.setup.ensureBuiltInRoles()
    }

    func close() async {
        await database.close()
    }

    /// Runs `body` with the runtime and closes the database however it ends.
    static func with<T>(_ settings: RuntimeSettings, migrate: Bool = false, _ body: (Runtime) async throws -> T)
        async throws -> T
    {
        let runtime = try await open(settings)
        do {
            try await runtime.requireMigrated(migrateIfNeeded: migrate)
            let value = try await body(runtime)
            await runtime.close()
            return value
        } catch {
            await runtime.close()
            throw error
        }
    }
}

/// A failure the operator must read: printed on standard error, exit code 1.
struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

extension AsyncParsableCommand {
    /// Runs `body`; turns `Failure` and service errors into one line on stderr and exit code 1.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as Failure {
            FileHandle.standardError.write(Data("rapport: \(error.description)\n".utf8))
            throw ExitCode(1)
        } catch let error as RapportError {
            FileHandle.standardError.write(Data("rapport: \(Self.describe(error))\n".utf8))
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("rapport: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    static func describe(_ error: RapportError) -> String {
        switch error {
        case .validation(let errors): errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        case .moveRefused(let refusal): "the stage refuses the record: " + refusal.descriptions(.en).joined(separator: "; ")
        case .notFound(let entity): "no such \(entity)"
        case .conflict(let message): message
        case .stale: "the record changed meanwhile; try again"
        case .forbidden: "not allowed"
        case .unauthenticated: "not signed in"
        case .rateLimited(let seconds): "too many attempts; retry in \(seconds) s"
        case .unavailable(let message), .upstream(let message): message
        case .possibleDuplicates(let candidates):
            "looks like existing records: " + candidates.map { "\($0.entity) \($0.id) \($0.name)" }.joined(separator: ", ")
        }
    }
}

import RapportDomain
