import PropertyBased
import RapportDomain
import Testing

@Suite struct AccessPolicyTests {
    @Test func wider_scope_reaches_everything_a_narrower_one_does() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            let world = World(seed: seed)
            for user in world.userDepartment.keys {
                for owner in Array(world.userDepartment.keys) + [nil] {
                    let record = world.record(ownedBy: owner)
                    var previous = false
                    for scope in PermissionScope.allCases {
                        let allowed = AccessPolicy.allows(world.subject(user, scope: scope), .read, .lead, record: record)
                        #expect(!previous || allowed, "scope \(scope) lost access a narrower scope had")
                        previous = allowed
                    }
                }
            }
        }
    }

    @Test func scopes_mean_what_they_say() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            let world = World(seed: seed)
            for user in world.userDepartment.keys {
                let mine = world.userDepartment[user] ?? nil
                for owner in Array(world.userDepartment.keys) + [nil] {
                    let record = world.record(ownedBy: owner)
                    let theirs = record.ownerDepartmentID
                    func allows(_ scope: PermissionScope) -> Bool {
                        AccessPolicy.allows(world.subject(user, scope: scope), .read, .lead, record: record)
                    }
                    #expect(allows(.none) == false)
                    #expect(allows(.all) == true)
                    #expect(allows(.own) == (owner == user))
                    #expect(allows(.department) == (owner == user || (mine != nil && mine == theirs)))
                    let inSubtree = mine.flatMap { m in theirs.map { world.tree.subtree(of: m).contains($0) } } ?? false
                    #expect(allows(.departmentTree) == (owner == user || inSubtree))
                }
            }
        }
    }

    @Test func other_actions_and_entities_are_not_granted_by_a_read_grant() {
        var matrix = PermissionMatrix()
        matrix.set(.lead, .read, .all)
        let subject = AccessSubject(userID: 1, departmentID: nil, departmentSubtree: [], permissions: matrix)
        let record = RecordOwnership(ownerID: 1, ownerDepartmentID: nil)
        #expect(AccessPolicy.allows(subject, .read, .lead, record: record))
        #expect(!AccessPolicy.allows(subject, .update, .lead, record: record))
        #expect(!AccessPolicy.allows(subject, .read, .deal, record: record))
        #expect(!AccessPolicy.allowsAny(subject, .delete, .lead))
    }
}
