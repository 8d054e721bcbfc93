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

    /// A second, later migration, as the next release will bring.
    struct AddColumn: Migration {
        let version = AllMigrations.list.map(\.version).max()! + 1
        let name = "add a column"
        func statements(for dialect: DatabaseKind) -> [String] { ["ALTER TABLE departments ADD COLUMN note TEXT"] }
    }

    @Test(arguments: TestDatabase.kinds)
    func start_refuses_pending_migrations_unless_told_to_migrate(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            // setup: a database at version 1, a binary that knows version 2
            let migrator = Migrator(database: database, migrations: AllMigrations.list + [AddColumn()])
            // MUT + validation
            await #expect(throws: MigrationError.self) { try await migrator.prepareForStart(migrateIfNeeded: false) }
            let next = AddColumn().version
            #expect(try await migrator.pending().map(\.version) == [next])
            #expect(try await migrator.prepareForStart(migrateIfNeeded: true) == [next])
            #expect(try await migrator.prepareForStart(migrateIfNeeded: false) == [])
            try await database.transaction { db in
                try await db.raw("UPDATE departments SET note = 'works'").run()
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func start_migrates_an_empty_database_by_itself(kind: DatabaseKind) async throws {
        let (url, cleanup) = try await TestDatabase.makeEmpty(kind)
        let database = try await Database.open(url, logger: Logger(label: "test"))
        let applied = try await Migrator(database: database).prepareForStart(migrateIfNeeded: false)
        #expect(applied == AllMigrations.list.map(\.version))
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
