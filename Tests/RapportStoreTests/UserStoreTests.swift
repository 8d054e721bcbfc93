import Foundation
import RapportDomain
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

@Suite struct UserStoreTests {
    static let everyone = AccessSubject(userID: 0, departmentID: nil, departmentSubtree: [], permissions: .uniform(.all))

    func seed(_ database: Database, names: [String]) async throws {
        let now = Date()
        try await database.transaction { db in
            let role = try await RoleStore().insert(
                Role(id: 0, key: nil, name: "r", description: nil, permissions: .init(), createdAt: now, updatedAt: now,
                     createdBy: nil, version: 1), on: db)
            for (index, name) in names.enumerated() {
                _ = try await UserStore().insert(
                    User(id: 0, email: "user\(index)@x.example", firstName: "F", lastName: name, roleID: role,
                         timeZone: "UTC", locale: .en, createdAt: now.addingTimeInterval(Double(index % 3)),
                         updatedAt: now), passwordHash: "x", on: db)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func keyset_pages_cover_every_row_once_in_order(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            // setup: duplicate sort values on purpose
            let names = (0..<23).map { ["Иванов", "Petrov", "Smith", "Ålund", "Zhukov"][$0 % 5] }
            try await seed(database, names: names)
            for sort in UserQuery.Sort.allCases {
                for descending in [false, true] {
                    for limit in [1, 4, 7, 50] {
                        // MUT
                        var seen: [User] = []
                        var cursor: PageCursor?
                        repeat {
                            let page = try await database.read { [cursor] db in
                                try await UserStore().list(UserQuery(sort: sort, descending: descending), scope: .all,
                                                           subject: Self.everyone, page: PageRequest(limit: limit, cursor: cursor),
                                                           on: db)
                            }
                            #expect(page.items.count <= limit)
                            seen += page.items
                            cursor = page.nextCursor
                        } while cursor != nil
                        // validation
                        #expect(seen.count == names.count, "sort \(sort) desc \(descending) limit \(limit)")
                        #expect(Set(seen.map(\.id)).count == names.count)
                    }
                }
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func search_treats_sql_and_like_metacharacters_as_text(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            try await seed(database, names: ["O'Brien", "50%off", "a_b", "plain"])
            func search(_ text: String) async throws -> [String] {
                try await database.read { db in
                    try await UserStore().list(UserQuery(search: text), scope: .all, subject: Self.everyone,
                                               page: PageRequest(), on: db).items.map(\.lastName)
                }
            }
            #expect(try await search("o'b") == ["O'Brien"])
            #expect(try await search("%").isEmpty)
            #expect(try await search("_").isEmpty)
            #expect(try await search("50%") == ["50%off"])
            #expect(try await search("a_") == ["a_b"])
            #expect(try await search("'; DROP TABLE users; --").isEmpty)
            #expect(try await search("pl") == ["plain"])
        }
    }
}
