/// The acting user as access decisions see them: who they are, where they sit, what their
/// role grants. Built once per request.
public struct AccessSubject: Equatable, Sendable {
    public var userID: Int64
    public var departmentID: Int64?
    /// The actor's department and every department below it; empty when the actor has none
    /// or the role grants no `department_tree` scope.
    public var departmentSubtree: Set<Int64>
    public var permissions: PermissionMatrix

    public init(userID: Int64, departmentID: Int64?, departmentSubtree: Set<Int64>, permissions: PermissionMatrix) {
        self.userID = userID
        self.departmentID = departmentID
        self.departmentSubtree = departmentSubtree
        self.permissions = permissions
    }
}

/// Who is responsible for a record, as far as access is concerned.
public struct RecordOwnership: Equatable, Sendable {
    /// The responsible user (`owner_id`); nil for records nobody owns.
    public var ownerID: Int64?
    /// The department of the responsible user at the time of the check.
    public var ownerDepartmentID: Int64?

    public init(ownerID: Int64?, ownerDepartmentID: Int64?) {
        self.ownerID = ownerID
        self.ownerDepartmentID = ownerDepartmentID
    }
}
