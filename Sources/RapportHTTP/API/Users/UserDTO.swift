import Foundation
import RapportDomain

/// A user as the API shows them.
struct UserDTO: Encodable {
    var id: Int64
    var email: String
    var firstName: String
    var lastName: String
    var middleName: String?
    var phone: String?
    var phoneE164: String?
    var position: String?
    var departmentID: Int64?
    var roleID: Int64
    var timeZone: String
    var locale: String
    var workingStatus: String
    var workingHours: String?
    var skills: [String]
    var regions: [String]
    var isActive: Bool
    var lastLoginAt: Date?
    var createdAt: Date
    var updatedAt: Date
    var version: Int64

    enum CodingKeys: String, CodingKey {
        case id, email, position, phone, locale, skills, regions, version
        case firstName = "first_name", lastName = "last_name", middleName = "middle_name", phoneE164 = "phone_e164"
        case departmentID = "department_id", roleID = "role_id", timeZone = "time_zone"
        case workingStatus = "working_status", workingHours = "working_hours", isActive = "is_active"
        case lastLoginAt = "last_login_at", createdAt = "created_at", updatedAt = "updated_at"
    }

    init(_ user: User) {
        id = user.id; email = user.email; firstName = user.firstName; lastName = user.lastName
        middleName = user.middleName; phone = user.phone; phoneE164 = user.phoneE164; position = user.position
        departmentID = user.departmentID; roleID = user.roleID; timeZone = user.timeZone; locale = user.locale.rawValue
        workingStatus = user.workingStatus.rawValue; workingHours = user.workingHours; skills = user.skills
        regions = user.regions; isActive = user.isActive; lastLoginAt = user.lastLoginAt; createdAt = user.createdAt
        updatedAt = user.updatedAt; version = user.version
    }
}
