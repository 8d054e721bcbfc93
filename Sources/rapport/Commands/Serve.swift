import ArgumentParser
import Foundation
import Hummingbird
import RapportHTTP

/// `rapport serve`: the web interface and the API, with the background workers.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the Rapport server.")

    @Option(help: "Address to listen on (default RAPPORT_HOST or 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default RAPPORT_PORT or 8080).") var port: Int?
    @Flag(help: "Apply pending database migrations before starting.") var migrate = false

    func run() async throws {
        try await reportingFailures {
            let settings = try RuntimeSettings.load(host: host, port: port)
            let runtime = try await Runtime.open(settings)
            do {
                try await runtime.requireMigrated(migrateIfNeeded: migrate)
                try await runtime.services.setup.ensureBuiltInRoles()
                var http = HTTPSettings(host: settings.host, port: settings.port, secureCookies: settings.secureCookies)
                http.resources = settings.resources
                let app = try await buildApplication(settings: http, services: runtime.services, logger: runtime.logger)
                if try await runtime.services.setup.needsFirstAdministrator() {
                    runtime.logger.notice("no users yet: open http://\(settings.host):\(settings.port)/setup to create the first administrator")
                }
                runtime.logger.info("Rapport is starting", metadata: [
                    "database": "\(settings.databaseURL)", "address": "\(settings.host):\(settings.port)",
                ])
                try await app.runService()
                await runtime.close()
            } catch {
                await runtime.close()
                throw error
            }
        }
    }
}
