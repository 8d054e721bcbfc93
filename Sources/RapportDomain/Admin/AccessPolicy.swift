/// The one place that decides whether a user may do something to a record.
///
/// `RapportStore.ScopeFilter` turns the same scopes into SQL for lists; a property test keeps
/// the two in agreement.
public enum AccessPolicy {
    /// May `subject` do `action` on the `entity` record owned as `record` says?
    public static func allows(
        _ subject: AccessSubject, _ action: PermissionAction, _ entity: PermissionEntity, record: RecordOwnership
    ) -> Bool {
        reaches(subject.permissions.scope(entity, action), subject: subject, record: record)
    }

    /// May `subject` do `action` on some record of `entity` (used before creating, and to
    /// decide whether a list can return anything)?
    public static func allowsAny(_ subject: AccessSubject, _ action: PermissionAction, _ entity: PermissionEntity) -> Bool {
        subject.permissions.scope(entity, action) > .none
    }

    /// Does `scope`, held by `subject`, reach `record`?
    public static func reaches(_ scope: PermissionScope, subject: AccessSubject, record: RecordOwnership) -> Bool {
        switch scope {
        case .none:
            return false
        case .own:
            return record.ownerID == subject.userID
        case .department:
            if record.ownerID == subject.userID { return true }
            guard let mine = subject.departmentID, let theirs = record.ownerDepartmentID else { return false }
            return mine == theirs
        case .departmentTree:
            if record.ownerID == subject.userID { return true }
            guard let theirs = record.ownerDepartmentID else { return false }
            return subject.departmentSubtree.contains(theirs)
        case .all:
            return true
        }
    }
}
