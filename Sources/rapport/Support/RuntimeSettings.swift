import ArgumentParser
import Foundation
import RapportHTTP
import Logging
import RapportStore

/// Everything `rapport` reads from its environment, validated once at the start.
///
/// Configuration keys:
/// - `RAPPORT_DATABASE_URL`: `sqlite:PATH` (default `sqlite:./data/rapport.sqlite`) or `postgres://…`
/// - `RAPPORT_HOST`, `RAPPORT_PORT`: where `serve` listens (flags win)
/// - `RAPPORT_BCRYPT_COST`: 4…31, default 12
/// - `RAPPORT_LOG_LEVEL`: trace…critical, default info; `RAPPORT_LOG_FORMAT`: json (default) or text
/// - `RAPPORT_SECURE_COOKIES`: `true` behind TLS
/// - `RAPPORT_RESOURCES`: a folder holding Templates/, Public/, Locales/ and openapi.json instead of the bundled ones
/// - `RAPPORT_FILES_DIR`: where attached files are kept (default: `files/` beside the SQLite
///   database, `./data/files` with PostgreSQL)
/// - `RAPPORT_MAX_ATTACHMENT_MB`: the largest attached file, 1…1024, default 25
struct RuntimeSettings {
    var databaseURL: DatabaseURL
    var host: String
    var port: Int
    var bcryptCost: UInt8
    var logLevel: Logger.Level
    var jsonLogs: Bool
    var secureCookies: Bool
    var resourcesPath: String?
    /// The bundled resources, or those at `resourcesPath`.
    var resources: ResourceFiles { resourcesPath.map { ResourceFiles(root: URL(fileURLWithPath: $0)) } ?? .bundled() }
    var filesDirectory: String
    var maxAttachmentBytes: Int

    /// Reads the environment; a bad value exits naming the variable.
    static func load(host: String? = nil, port: Int? = nil,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RuntimeSettings {
        func fail(_ message: String) -> ValidationError { ValidationError(message) }
        let url: DatabaseURL
        do {
            url = try DatabaseURL(parsing: environment["RAPPORT_DATABASE_URL"] ?? DatabaseURL.defaultValue)
        } catch {
            throw fail("\(error)")
        }
        var port = port
        if port == nil, let text = environment["RAPPORT_PORT"] {
            guard let value = Int(text), (1...65535).contains(value) else {
                throw fail("RAPPORT_PORT must be a port number, not \(text)")
            }
            port = value
        }
        var cost: UInt8 = 12
        if let text = environment["RAPPORT_BCRYPT_COST"] {
            guard let value = UInt8(text), (4...31).contains(value) else {
                throw fail("RAPPORT_BCRYPT_COST must be between 4 and 31, not \(text)")
            }
            cost = value
        }
        var level = Logger.Level.info
        if let text = environment["RAPPORT_LOG_LEVEL"] {
            guard let value = Logger.Level(rawValue: text.lowercased()) else {
                throw fail("RAPPORT_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            level = value
        }
        var maxAttachmentMB = 25
        if let text = environment["RAPPORT_MAX_ATTACHMENT_MB"] {
            guard let value = Int(text), (1...1024).contains(value) else {
                throw fail("RAPPORT_MAX_ATTACHMENT_MB must be between 1 and 1024, not \(text)")
            }
            maxAttachmentMB = value
        }
        let defaultFiles: String = switch url {
        case .sqlite(let path): URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("files").path
        case .postgres: "./data/files"
        }
        return RuntimeSettings(
            databaseURL: url, host: host ?? environment["RAPPORT_HOST"] ?? "127.0.0.1", port: port ?? 8080,
            bcryptCost: cost, logLevel: level, jsonLogs: (environment["RAPPORT_LOG_FORMAT"] ?? "json") != "text",
            secureCookies: environment["RAPPORT_SECURE_COOKIES"] == "true",
            resourcesPath: environment["RAPPORT_RESOURCES"],
            filesDirectory: environment["RAPPORT_FILES_DIR"] ?? defaultFiles, maxAttachmentBytes: maxAttachmentMB << 20)
    }
}
