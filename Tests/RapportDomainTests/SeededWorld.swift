import RapportDomain

/// A deterministic random number generator (SplitMix64), so a property's random world can
/// be rebuilt from its seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: Int) { state = UInt64(bitPattern: Int64(seed)) }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random company: a department forest, users placed in it, records owned by them.
struct World {
    var departments: [(id: Int64, parentID: Int64?)] = []
    var userDepartment: [Int64: Int64?] = [:]

    init(seed: Int) {
        var rng = SplitMix(seed: seed)
        let departmentCount = Int.random(in: 1...8, using: &rng)
        for id in 1...Int64(departmentCount) {
            let parent: Int64? = id > 1 && Bool.random(using: &rng) ? Int64.random(in: 1..<id, using: &rng) : nil
            departments.append((id, parent))
        }
        for user in 1...Int64(Int.random(in: 2...10, using: &rng)) {
            userDepartment[user] = Bool.random(using: &rng) || user == 1
                ? Int64.random(in: 1...Int64(departmentCount), using: &rng) : nil
        }
    }

    var tree: DepartmentTree { DepartmentTree(departments) }

    func subject(_ user: Int64, scope: PermissionScope) -> AccessSubject {
        var matrix = PermissionMatrix()
        matrix.set(.lead, .read, scope)
        let department = userDepartment[user] ?? nil
        return AccessSubject(userID: user, departmentID: department,
                             departmentSubtree: department.map { tree.subtree(of: $0) } ?? [], permissions: matrix)
    }

    func record(ownedBy owner: Int64?) -> RecordOwnership {
        RecordOwnership(ownerID: owner, ownerDepartmentID: owner.flatMap { userDepartment[$0] ?? nil })
    }
}
