import Foundation
import RapportDomain
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

struct Boom: Error {}

@Suite struct DatabaseTests {
    @Test(arguments: TestDatabase.kinds)
    func a_failed_transaction_leaves_nothing_behind(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            // MUT
            await #expect(throws: Boom.self) {
                try await database.transaction { db in
                    try await db.raw("INSERT INTO departments (name, created_at, updated_at, version) VALUES ('X', 0, 0, 1)").run()
                    throw Boom()
                }
            }
            // validation
            let count = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM departments").first()!.decode(column: "n", as: Int.self)
            }
            #expect(count == 0)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_unique_violation_is_a_conflict(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let insert: SQLQueryString = "INSERT INTO roles (key, name, name_key, permissions, created_at, updated_at) VALUES ('k', 'Same', 'same', '{}', 0, 0)"
            try await database.transaction { db in try await db.raw(insert).run() }
            await #expect(throws: RapportError.conflict("a record with this value already exists")) {
                try await database.transaction { db in try await db.raw(insert).run() }
            }
        }
    }

    /// Every bind and column type the stores use, absent optionals too, round-trips on both
    /// databases (on PostgreSQL through `PostgresSession`'s direct path); a type it does not
    /// bind directly still works through PostgresKit.
    @Test(arguments: TestDatabase.kinds)
    func binds_and_columns_of_every_store_type_round_trip(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            try await database.read { db in
                let none: String? = nil, noNumber: Int64? = nil
                let row = try await db.raw("""
                    SELECT \(bind: Int64(9_007_199_254_740_993)) AS big, \(bind: "Кухни «Мастер»") AS text,
                        \(bind: none) AS no_text, \(bind: noNumber) AS no_number, \(bind: Int64?(7)) AS some_number,
                        \(bind: 42) AS small, \(bind: true) AS yes, \(bind: Double(2.5)) AS real
                    """).first()!
                #expect(try row.decode(column: "big", as: Int64.self) == 9_007_199_254_740_993)
                #expect(try row.decode(column: "text", as: String.self) == "Кухни «Мастер»")
                #expect(try row.decode(column: "no_text", as: String?.self) == nil)
                #expect(try row.decodeNil(column: "no_number"))
                #expect(try row.decode(column: "no_number", as: Int64?.self) == nil)
                #expect(try row.decode(column: "some_number", as: Int64?.self) == 7)
                #expect(try row.decode(column: "small", as: Int.self) == 42)
                #expect(try row.decode(column: "yes", as: Bool.self))
                #expect(try row.decode(column: "real", as: Double.self) == 2.5)
                #expect(throws: (any Error).self) { try row.decode(column: "missing", as: String.self) }
            }
        }
    }

    @Test func a_full_sqlite_database_refuses_the_write_and_keeps_what_it_had() async throws {
        try await TestDatabase.with(.sqlite) { database in
            // setup: a database that may not grow past its current size
            try await database.transaction { db in
                try await db.raw("INSERT INTO departments (name, created_at, updated_at, version) VALUES ('kept', 0, 0, 1)").run()
            }
            let pages = try await database.read { db in
                try await db.raw("PRAGMA page_count").first()!.decode(column: "page_count", as: Int.self)
            }
            try await database.transaction { db in try await db.raw("PRAGMA max_page_count = \(unsafeRaw: String(pages))").run() }
            // MUT: a transaction that needs more pages
            let big = String(repeating: "x", count: 200_000)
            do {
                try await database.transaction { db in
                    for _ in 0..<10 {
                        try await db.raw("INSERT INTO departments (name, created_at, updated_at, version) VALUES (\(bind: big), 0, 0, 1)").run()
                    }
                }
                Issue.record("the write should have been refused")
            } catch let error as RapportError {
                guard case .unavailable = error else { Issue.record("unexpected \(error)"); return }
            }
            // validation: only the committed row is there
            let names = try await database.read { db in
                try await db.raw("SELECT name FROM departments").all().map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(names == ["kept"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func sqlite_runs_in_wal_mode_with_foreign_keys(kind: DatabaseKind) async throws {
        guard kind == .sqlite else { return }
        try await TestDatabase.with(kind) { database in
            let mode = try await database.read { db in
                try await db.raw("PRAGMA journal_mode").first()!.decode(column: "journal_mode", as: String.self)
            }
            let fk = try await database.read { db in
                try await db.raw("PRAGMA foreign_keys").first()!.decode(column: "foreign_keys", as: Int.self)
            }
            #expect(mode == "wal")
            #expect(fk == 1)
        }
    }
}
