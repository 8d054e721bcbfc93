import Foundation
import Logging
import RapportStore

/// Fresh, migrated databases for tests: every test gets its own, so tests run in parallel
/// and in any order. SQLite copies a migrated template file; PostgreSQL creates
/// `rapport_t…` databases from a migrated template on the cluster named by
/// `RAPPORT_TEST_POSTGRES_URL` (which `scripts/test` starts).
public enum TestDatabase {
    /// The databases tests run against: SQLite always, PostgreSQL when configured.
    public static var kinds: [DatabaseKind] {
        ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static let logger: Logger = {
        var logger = Logger(label: "rapport.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with a fresh migrated database of `kind`, then closes and removes it.
    public static func with<T>(_ kind: DatabaseKind, _ body: (Database) async throws -> T) async throws -> T {
        let (database, cleanup) = try await make(kind)
        do {
            let value = try await body(database)
            await database.close()
            try await cleanup()
            return value
        } catch {
            await database.close()
            try? await cleanup()
            throw error
        }
    }

    /// A fresh migrated database and the function that removes it once closed.
    public static func make(_ kind: DatabaseKind) async throws -> (Database, @Sendable () async throws -> Void) {
        switch kind {
        case .sqlite:
            let template = try await Templates.shared.sqliteTemplate()
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("rapport-test-\(UUID().uuidString).sqlite").path
            try FileManager.default.copyItem(atPath: template, toPath: path)
            let database = try await Database.open(.sqlite(path: path), logger: logger, readerCount: 2)
            return (database, {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            })
        case .postgres:
            let name = try await Templates.shared.postgresDatabase()
            let server = try postgresServer()
            let url = DatabaseURL.postgres(host: server.host, port: server.port, user: server.user,
                                           password: server.password, database: name)
            let database = try await Database.open(url, logger: logger, maxConnections: 4)
            return (database, { try await Templates.shared.dropPostgres(name) })
        }
    }

    /// The SQLite path or PostgreSQL URL of an empty database no migration has touched.
    public static func makeEmpty(_ kind: DatabaseKind) async throws -> (DatabaseURL, @Sendable () async throws -> Void) {
        switch kind {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("rapport-empty-\(UUID().uuidString).sqlite").path
            return (.sqlite(path: path), {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            })
        case .postgres:
            let name = try await Templates.shared.emptyPostgresDatabase()
            let server = try postgresServer()
            return (.postgres(host: server.host, port: server.port, user: server.user, password: server.password,
                              database: name), { try await Templates.shared.dropPostgres(name) })
        }
    }

    struct Server { var host: String; var port: Int; var user: String; var password: String? }

    static func postgresServer() throws -> Server {
        guard let text = ProcessInfo.processInfo.environment["RAPPORT_TEST_POSTGRES_URL"],
              case .postgres(let host, let port, let user, let password, _) = try DatabaseURL(parsing: text,
                                                                                             setting: "RAPPORT_TEST_POSTGRES_URL")
        else { throw TestSetupError("RAPPORT_TEST_POSTGRES_URL is not set to a postgres:// URL") }
        return Server(host: host, port: port, user: user, password: password)
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Builds each template once per test process and hands out copies, one at a time (a
/// PostgreSQL template may not be copied twice at once).
actor Templates {
    static let shared = Templates()

    /// The end of the last queued job: each job waits for it, so jobs never overlap even
    /// though the actor is re-entered at every `await`.
    private var tail: Task<Void, Never>?

    private func serially<T: Sendable>(_ job: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tail
        let task = Task { () async throws -> T in
            await previous?.value
            return try await job()
        }
        tail = Task { _ = try? await task.value }
        return try await task.value
    }

    private var sqlitePath: String?
    private var postgresTemplate: String?
    private var admin: Database?
    private var counter = 0
    private let prefix = "rapport_t\(ProcessInfo.processInfo.processIdentifier)"

    func sqliteTemplate() async throws -> String {
        try await serially { try await self.makeSQLiteTemplate() }
    }

    private func makeSQLiteTemplate() async throws -> String {
        if let sqlitePath { return sqlitePath }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("rapport-template-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite").path
        let database = try await Database.open(.sqlite(path: path), logger: TestDatabase.logger, readerCount: 1)
        try await Migrator(database: database).migrate()
        try await database.transaction { db in try await db.raw("SELECT 1").run() }
        try await database.checkpointForCopy()
        await database.close()
        sqlitePath = path
        return path
    }

    private func adminDatabase() async throws -> Database {
        if let admin { return admin }
        let server = try TestDatabase.postgresServer()
        let database = try await Database.open(
            .postgres(host: server.host, port: server.port, user: server.user, password: server.password,
                      database: "postgres"), logger: TestDatabase.logger, maxConnections: 2)
        admin = database
        return database
    }

    func postgresDatabase() async throws -> String {
        try await serially { try await self.makePostgresDatabase() }
    }

    private func makePostgresDatabase() async throws -> String {
        let admin = try await adminDatabase()
        if postgresTemplate == nil {
            let template = "\(prefix)_template"
            try await admin.execute("DROP DATABASE IF EXISTS \(template) WITH (FORCE)")
            try await admin.execute("CREATE DATABASE \(template)")
            let server = try TestDatabase.postgresServer()
            let database = try await Database.open(
                .postgres(host: server.host, port: server.port, user: server.user, password: server.password,
                          database: template), logger: TestDatabase.logger, maxConnections: 1)
            try await Migrator(database: database).migrate()
            await database.close()
            postgresTemplate = template
        }
        counter += 1
        let name = "\(prefix)_\(counter)"
        try await admin.execute("CREATE DATABASE \(name) TEMPLATE \(postgresTemplate!)")
        return name
    }

    func emptyPostgresDatabase() async throws -> String {
        try await serially { try await self.makeEmptyPostgresDatabase() }
    }

    private func makeEmptyPostgresDatabase() async throws -> String {
        let admin = try await adminDatabase()
        counter += 1
        let name = "\(prefix)_\(counter)"
        try await admin.execute("CREATE DATABASE \(name)")
        return name
    }

    func dropPostgres(_ name: String) async throws {
        try await serially { try await self.adminDatabase().execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }
}
