import Foundation
import RapportDomain
import SQLKit

/// Applies pending migrations and tells whether any are pending.
public struct Migrator: Sendable {
    let database: Database
    let migrations: [any Migration]

    public init(database: Database, migrations: [any Migration] = AllMigrations.list) {
        self.database = database
        self.migrations = migrations
    }

    /// The migrations not yet applied, in order. Throws `MigrationError.inconsistent` when the
    /// database records a migration this binary does not know (it is newer than the binary).
    public func pending() async throws -> [any Migration] {
        let applied = try await appliedVersions()
        let known = Set(migrations.map(\.version))
        if let unknown = applied.subtracting(known).sorted().first {
            throw MigrationError.inconsistent(
                "the database has migration \(unknown), which this version of Rapport does not know; use a newer binary")
        }
        return migrations.filter { !applied.contains($0.version) }.sorted { $0.version < $1.version }
    }

    /// Applies every pending migration, each in its own transaction with its record. A
    /// migration may build an index over a million rows, so it runs without the usual limit.
    /// - Returns: the versions applied, in order.
    @discardableResult
    public func migrate(now: Date = Date()) async throws -> [Int] {
        try await Database.allowingLongOperations { try await self.applyPending(now: now) }
    }

    func applyPending(now: Date) async throws -> [Int] {
        try await database.transaction { db in try await Self.ensureTable(db) }
        var done: [Int] = []
        for migration in try await pending() {
            let dialect = database.kind
            try await database.transaction { db in
                for statement in migration.statements(for: dialect) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: now.millis))
                    """).run()
            }
            done.append(migration.version)
        }
        return done
    }

    /// What `rapport serve` does before it starts: an empty database is migrated at once; a
    /// database with some but not all migrations is migrated only with `migrateIfNeeded`
    /// (`--migrate`), otherwise this throws `MigrationError.pending` naming them.
    /// - Returns: the versions applied now (empty when the database was up to date).
    @discardableResult
    public func prepareForStart(migrateIfNeeded: Bool, now: Date = Date()) async throws -> [Int] {
        let waiting = try await pending()
        guard !waiting.isEmpty else { return [] }
        let fresh = try await appliedVersions().isEmpty
        guard fresh || migrateIfNeeded else { throw MigrationError.pending(waiting.map(\.version)) }
        return try await migrate(now: now)
    }

    private func appliedVersions() async throws -> Set<Int> {
        try await database.read { db in
            guard try await Self.tableExists(db) else { return [] }
            let rows = try await db.raw("SELECT version FROM schema_migrations").all()
            return Set(try rows.map { try $0.decode(column: "version", as: Int.self) })
        }
    }

    static func ensureTable(_ db: any SQLDatabase) async throws {
        try await db.raw("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
            """).run()
    }

    static func tableExists(_ db: any SQLDatabase) async throws -> Bool {
        let sql: SQLQueryString = db.dialect.name == "sqlite"
            ? "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            : "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
        let row = try await db.raw(sql).first()
        return try (row?.decode(column: "n", as: Int.self) ?? 0) > 0
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case inconsistent(String)
    case pending([Int])

    public var description: String {
        switch self {
        case .inconsistent(let message): message
        case .pending(let versions):
            "the database needs \(versions.count) migration(s) (\(versions.map(String.init).joined(separator: ", "))): run `rapport migrate`, or start with `rapport serve --migrate`"
        }
    }
}
