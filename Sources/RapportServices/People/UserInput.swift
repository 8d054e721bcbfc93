/// What a person or a client sends to create or change a user. Values arrive as typed text;
/// `UserService` validates them all and names each field that is wrong.
///
/// On a change, nil means "leave as it is" and an empty string clears an optional field.
public struct UserInput: Sendable, Equatable {
    public var email: String?
    public var password: String?
    public var firstName: String?
    public var lastName: String?
    public var middleName: String?
    public var phone: String?
    public var position: String?
    /// 0 (or an empty form value) removes the user from their department.
    public var departmentID: Int64?
    public var roleID: Int64?
    public var timeZone: String?
    public var locale: String?
    public var workingStatus: String?
    public var workingHours: String?
    public var skills: [String]?
    public var regions: [String]?
    public var isActive: Bool?

    public init(email: String? = nil, password: String? = nil, firstName: String? = nil, lastName: String? = nil,
                middleName: String? = nil, phone: String? = nil, position: String? = nil, departmentID: Int64? = nil,
                roleID: Int64? = nil, timeZone: String? = nil, locale: String? = nil, workingStatus: String? = nil,
                workingHours: String? = nil, skills: [String]? = nil, regions: [String]? = nil, isActive: Bool? = nil) {
        self.email = email; self.password = password; self.firstName = firstName; self.lastName = lastName
        self.middleName = middleName; self.phone = phone; self.position = position; self.departmentID = departmentID
        self.roleID = roleID; self.timeZone = timeZone; self.locale = locale; self.workingStatus = workingStatus
        self.workingHours = workingHours; self.skills = skills; self.regions = regions; self.isActive = isActive
    }
}
