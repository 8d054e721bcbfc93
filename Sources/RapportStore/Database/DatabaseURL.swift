import Foundation

/// Where the data lives, parsed from `RAPPORT_DATABASE_URL`:
/// `sqlite:./data/rapport.sqlite` (or `sqlite:///abs/path`) or `postgres://user:pass@host:5432/db`.
public enum DatabaseURL: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(host: String, port: Int, user: String, password: String?, database: String)

    public static let defaultValue = "sqlite:./data/rapport.sqlite"

    /// Parses the URL; the error names the setting so the operator knows what to fix.
    public init(parsing text: String, setting: String = "RAPPORT_DATABASE_URL") throws {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("sqlite:") {
            var path = String(value.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw DatabaseURLError(setting: setting, reason: "the SQLite path is empty") }
            self = .sqlite(path: path)
            return
        }
        guard value.hasPrefix("postgres://") || value.hasPrefix("postgresql://"),
              let components = URLComponents(string: value), let host = components.host, !host.isEmpty
        else {
            throw DatabaseURLError(setting: setting,
                                   reason: "expected sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !database.isEmpty else { throw DatabaseURLError(setting: setting, reason: "the database name is missing") }
        self = .postgres(
            host: host, port: components.port ?? 5432, user: components.user ?? "postgres",
            password: components.password?.removingPercentEncoding, database: database
        )
    }

    public var kind: DatabaseKind {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// A form safe to print: the password is never shown.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let host, let port, let user, _, let database): "postgres://\(user)@\(host):\(port)/\(database)"
        }
    }
}

/// The database URL could not be understood.
public struct DatabaseURLError: Error, CustomStringConvertible {
    public var setting: String
    public var reason: String
    public var description: String { "\(setting) is not valid: \(reason)" }
}

/// The SQL dialects Rapport runs on.
public enum DatabaseKind: String, Sendable, CaseIterable {
    case sqlite, postgres
}
