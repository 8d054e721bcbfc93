import RapportServices

/// `POST /api/v1/users` and `PATCH /api/v1/users/{id}`. On PATCH an absent or null field is
/// left as it is; an empty string clears an optional text, `department_id: 0` clears the department.
struct UserBody: StrictInput {
    var email: String?
    var password: String?
    var firstName: String?
    var lastName: String?
    var middleName: String?
    var phone: String?
    var position: String?
    var departmentID: Int64?
    var roleID: Int64?
    var timeZone: String?
    var locale: String?
    var workingStatus: String?
    var workingHours: String?
    var skills: [String]?
    var regions: [String]?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case email, password, phone, position, locale, skills, regions
        case firstName = "first_name", lastName = "last_name", middleName = "middle_name"
        case departmentID = "department_id", roleID = "role_id", timeZone = "time_zone"
        case workingStatus = "working_status", workingHours = "working_hours", isActive = "is_active"
    }
    typealias Keys = CodingKeys

    var input: UserInput {
        UserInput(email: email, password: password, firstName: firstName, lastName: lastName, middleName: middleName,
                  phone: phone, position: position, departmentID: departmentID, roleID: roleID, timeZone: timeZone,
                  locale: locale, workingStatus: workingStatus, workingHours: workingHours, skills: skills,
                  regions: regions, isActive: isActive)
    }
}

/// `POST /api/v1/users/{id}/password`.
struct PasswordBody: StrictInput {
    var password: String
    enum CodingKeys: String, CodingKey, CaseIterable { case password }
    typealias Keys = CodingKeys
}
