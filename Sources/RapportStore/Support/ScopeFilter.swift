import RapportDomain
import SQLKit

/// The one place that turns a permission scope into a query filter. Its counterpart for a
/// single record is `RapportDomain.AccessPolicy`; a property test keeps the two in agreement.
public enum ScopeFilter {
    /// A boolean SQL expression that is true for the rows `subject` reaches at `scope`.
    ///
    /// - Parameters:
    ///   - ownerColumn: the row's responsible-user column, e.g. `users.owner_id`.
    /// - Returns: an expression over `ownerColumn`; the department scopes look the owner's
    ///   department up in `users`.
    public static func condition(_ scope: PermissionScope, subject: AccessSubject, ownerColumn: String)
        -> SQLQueryString
    {
        let owner = SQLQueryString(ownerColumn)  // a column name chosen by code, never user input
        switch scope {
        case .none:
            return "1 = 0"
        case .all:
            return "1 = 1"
        case .own:
            return "\(owner) = \(bind: subject.userID)"
        case .department:
            guard let department = subject.departmentID else { return "\(owner) = \(bind: subject.userID)" }
            return "(\(owner) = \(bind: subject.userID) OR \(owner) IN (SELECT scope_u.id FROM users scope_u WHERE scope_u.department_id = \(bind: department)))"
        case .departmentTree:
            let departments = subject.departmentSubtree.sorted()
            guard !departments.isEmpty else { return "\(owner) = \(bind: subject.userID)" }
            return "(\(owner) = \(bind: subject.userID) OR \(owner) IN (SELECT scope_u.id FROM users scope_u WHERE scope_u.department_id IN (\(binds: departments))))"
        }
    }
}
