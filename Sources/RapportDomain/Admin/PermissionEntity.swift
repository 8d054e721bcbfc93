/// The kinds of record a role grants rights on. Later capabilities add their entities here;
/// a role stored before an entity existed simply has no rights on it (scope `none`).
public enum PermissionEntity: String, CaseIterable, Codable, Sendable {
    case user
    case department
    case role
    case settings
    case audit
    case company
    case contact
    case lead
    case deal
    case activity
    case task
}

/// What is done to a record.
public enum PermissionAction: String, CaseIterable, Codable, Sendable {
    case read
    case create
    case update
    case delete
    case export
}

/// How far a right reaches, from nothing to every record (the Bitrix24 model).
/// The order matters: a wider scope includes every narrower one.
public enum PermissionScope: String, CaseIterable, Codable, Sendable, Comparable {
    /// No record.
    case none
    /// Records whose responsible is the actor.
    case own
    /// Records whose responsible works in the actor's department.
    case department
    /// Records whose responsible works in the actor's department or any department below it.
    case departmentTree = "department_tree"
    /// Every record.
    case all

    private var rank: Int {
        switch self {
        case .none: 0
        case .own: 1
        case .department: 2
        case .departmentTree: 3
        case .all: 4
        }
    }

    public static func < (lhs: PermissionScope, rhs: PermissionScope) -> Bool { lhs.rank < rhs.rank }
}
