import Logging
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

@Suite struct MigratorTests {
    @Test(arguments: TestDatabase.kinds)
    func an_empty_database_is_migrated_once(kind: DatabaseKind) async throws {
        // setup
        let (url, cleanup) = try await TestDatabase.makeEmpty(kind)
        let database = try await Database.open(url, logger: Logger(label: "test"))
        defer { Task { await database.close(); try? await cleanup() } }
        let migrator = Migrator(database: database)
        #expect(try await migrator.pending().count == AllMigrations.list.count)
        // MUT
        let applied = try await migrator.migrate()
        // validation
        #expect(applied == AllMigrations.list.map(\.version))
        #expect(try await migrator.pending().isEmpty)
        #expect(try await migrator.migrate().isEmpty)
        await database.close()
        try await cleanup()
    }

    @Test(arguments: TestDatabase.kinds)
    func a_database_from_a_newer_binary_is_refused(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            try await database.transaction { db in
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)").run()
            }
            await #expect(throws: MigrationError.self) { try await Migrator(database: database).pending() }
        }
    }
}
