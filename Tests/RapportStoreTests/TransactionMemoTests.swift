import Foundation
import RapportDomain
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

/// What a transaction reads once (settings, routing rules, service levels) is read again after
/// the transaction's own writes, never kept from one transaction to the next, and not kept
/// from an attempt that rolled back.
@Suite struct TransactionMemoTests {
    @Test(arguments: TestDatabase.kinds)
    func a_transaction_sees_its_own_writes_and_the_next_one_reads_anew(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let store = SettingsStore()
            let now = Date(timeIntervalSince1970: 1_790_000_000)
            try await database.transaction { db in
                #expect(try await store.get(on: db) == nil)
                try await store.insert(CompanySettings(name: "Кухни", timeZone: "Europe/Moscow", currency: "RUB", locale: .ru,
                                                       updatedAt: now, version: 1), on: db)
                #expect(try await store.get(on: db)?.name == "Кухни")
                var renamed = try #require(try await store.get(on: db))
                renamed.name = "Кухни Мастер"
                _ = try await store.update(renamed, expectedVersion: 1, on: db)
                #expect(try await store.get(on: db)?.name == "Кухни Мастер")
            }
            // Changed outside the next transaction's reach before it starts: it reads the row anew.
            try await database.transaction { db in
                try await db.raw("UPDATE company_settings SET name = 'Другая' WHERE id = 1").run()
            }
            let read = try await database.transaction { db in try await store.get(on: db)?.name }
            #expect(read == "Другая")
            // A rolled-back rename is not seen by the next transaction.
            await #expect(throws: Boom.self) {
                try await database.transaction { db in
                    var changed = try #require(try await store.get(on: db))
                    changed.name = "Откат"
                    _ = try await store.update(changed, expectedVersion: changed.version, on: db)
                    #expect(try await store.get(on: db)?.name == "Откат")
                    throw Boom()
                }
            }
            #expect(try await database.transaction { db in try await store.get(on: db)?.name } == "Другая")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func round_robin_moves_on_within_one_transaction(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let rules = RoutingRuleStore()
            let last = try await database.transaction { db -> [Int64?] in
                let id = try await rules.insert(RoutingRule(name: "Все", position: 0, pool: .init(userIDs: [1, 2])), now: Date(), on: db)
                var seen: [Int64?] = [try await rules.list(on: db).first?.lastUserID]
                for user in [Int64(1), 2] {
                    try await rules.setLastUser(ruleID: id, userID: user, on: db)
                    seen.append(try await rules.list(on: db).first?.lastUserID)
                }
                return seen
            }
            #expect(last == [nil, 1, 2])
        }
    }
}
