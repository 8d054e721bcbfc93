import Foundation
import RapportDomain
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

/// The SQL filter and the domain decision must agree on every record, for every scope and
/// every user, in random companies.
@Suite struct ScopeFilterTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func the_filter_agrees_with_the_access_policy(kind: DatabaseKind) async throws {
        for seed in 1...12 {
            try await TestDatabase.with(kind) { database in
                var rng = SplitMix(state: UInt64(seed))
                // setup: a random department forest, users in it, records owned by them
                let now = Date()
                var departmentPlan: [Int?] = []  // parent as an index into the plan
                for index in 0..<Int.random(in: 1...6, using: &rng) {
                    departmentPlan.append(index > 0 && Bool.random(using: &rng) ? Int.random(in: 0..<index, using: &rng) : nil)
                }
                var userPlan: [Int?] = []  // department as an index into the plan
                for _ in 0..<Int.random(in: 2...8, using: &rng) {
                    userPlan.append(Bool.random(using: &rng) ? Int.random(in: 0..<departmentPlan.count, using: &rng) : nil)
                }
                let (departments, users) = try await database.transaction { [departmentPlan, userPlan] db in
                    let role = try await RoleStore().insert(
                        Role(id: 0, key: nil, name: "r", description: nil, permissions: .init(), createdAt: now,
                             updatedAt: now, createdBy: nil, version: 1), on: db)
                    var departments: [(Int64, Int64?)] = []
                    for (index, parent) in departmentPlan.enumerated() {
                        let parentID = parent.map { departments[$0].0 }
                        let id = try await DepartmentStore().insert(
                            Department(id: 0, name: "d\(index)", parentID: parentID, headUserID: nil, createdAt: now,
                                       updatedAt: now, createdBy: nil, version: 1), on: db)
                        departments.append((id, parentID))
                    }
                    var users: [Int64: Int64?] = [:]
                    for (index, department) in userPlan.enumerated() {
                        let departmentID = department.map { departments[$0].0 }
                        let id = try await UserStore().insert(
                            User(id: 0, email: "u\(index)@x.example", firstName: "U", lastName: "\(index)",
                                 departmentID: departmentID, roleID: role, timeZone: "UTC", locale: .en, createdAt: now,
                                 updatedAt: now), passwordHash: "x", on: db)
                        users[id] = departmentID
                    }
                    try await db.raw("CREATE TABLE scope_records (id BIGINT PRIMARY KEY, owner_id BIGINT)").run()
                    var recordID: Int64 = 0
                    for owner in Array(users.keys) + [nil] {
                        recordID += 1
                        try await db.raw("INSERT INTO scope_records (id, owner_id) VALUES (\(bind: recordID), \(bind: owner))").run()
                    }
                    return (departments, users)
                }
                let tree = DepartmentTree(departments.map { (id: $0.0, parentID: $0.1) })
                let owners = try await database.read { db in
                    try await db.raw("SELECT id, owner_id FROM scope_records").all().map {
                        (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "owner_id", as: Int64?.self))
                    }
                }
                // MUT + validation
                for (user, department) in users {
                    for scope in PermissionScope.allCases {
                        var matrix = PermissionMatrix()
                        matrix.set(.lead, .read, scope)
                        let subject = AccessSubject(userID: user, departmentID: department,
                                                    departmentSubtree: department.map { tree.subtree(of: $0) } ?? [],
                                                    permissions: matrix)
                        let condition = ScopeFilter.condition(scope, subject: subject, ownerColumn: "scope_records.owner_id")
                        let visible = try await database.read { db in
                            Set(try await db.raw("SELECT id FROM scope_records WHERE \(condition)").all()
                                .map { try $0.decode(column: "id", as: Int64.self) })
                        }
                        let expected = Set(owners.filter { record in
                            AccessPolicy.allows(subject, .read, .lead,
                                                record: RecordOwnership(ownerID: record.1,
                                                                        ownerDepartmentID: record.1.flatMap { users[$0] ?? nil }))
                        }.map(\.0))
                        #expect(visible == expected, "seed \(seed), user \(user), scope \(scope)")
                    }
                }
            }
        }
    }
}
