import RapportDomain

/// Filters and order for a list of users. Every value is bound, never spliced into SQL.
public struct UserQuery: Sendable, Equatable {
    /// The orders a user list may take.
    public enum Sort: String, CaseIterable, Sendable {
        case id, lastName = "last_name", email, createdAt = "created_at"
    }

    /// Matches the start of first name, last name or e-mail, case-insensitively.
    public var search: String?
    public var departmentID: Int64?
    public var roleID: Int64?
    public var isActive: Bool?
    public var workingStatus: WorkingStatus?
    public var sort: Sort
    public var descending: Bool

    public init(search: String? = nil, departmentID: Int64? = nil, roleID: Int64? = nil, isActive: Bool? = nil,
                workingStatus: WorkingStatus? = nil, sort: Sort = .id, descending: Bool = false) {
        self.search = search; self.departmentID = departmentID; self.roleID = roleID; self.isActive = isActive
        self.workingStatus = workingStatus; self.sort = sort; self.descending = descending
    }
}
