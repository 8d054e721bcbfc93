import Foundation

/// A person who signs in to Rapport (P1).
public struct User: Equatable, Sendable {
    public var id: Int64
    public var email: String
    public var firstName: String
    public var lastName: String
    public var middleName: String?
    public var phone: String?
    /// `phone` normalised to E.164, for matching.
    public var phoneE164: String?
    public var position: String?
    public var departmentID: Int64?
    public var roleID: Int64
    public var timeZone: String
    public var locale: AppLocale
    public var workingStatus: WorkingStatus
    /// Weekly working hours, e.g. `mon-fri 09:00-18:00`; nil means the company calendar.
    public var workingHours: String?
    /// Skills and regions used by routing and field scheduling.
    public var skills: [String]
    public var regions: [String]
    public var isActive: Bool
    public var lastLoginAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: Int64?
    public var version: Int64

    public init(
        id: Int64, email: String, firstName: String, lastName: String, middleName: String? = nil,
        phone: String? = nil, phoneE164: String? = nil, position: String? = nil, departmentID: Int64? = nil,
        roleID: Int64, timeZone: String, locale: AppLocale, workingStatus: WorkingStatus = .available,
        workingHours: String? = nil, skills: [String] = [], regions: [String] = [], isActive: Bool = true,
        lastLoginAt: Date? = nil, createdAt: Date, updatedAt: Date, createdBy: Int64? = nil, version: Int64 = 1
    ) {
        self.id = id; self.email = email; self.firstName = firstName; self.lastName = lastName
        self.middleName = middleName; self.phone = phone; self.phoneE164 = phoneE164; self.position = position
        self.departmentID = departmentID; self.roleID = roleID; self.timeZone = timeZone; self.locale = locale
        self.workingStatus = workingStatus; self.workingHours = workingHours; self.skills = skills
        self.regions = regions; self.isActive = isActive; self.lastLoginAt = lastLoginAt
        self.createdAt = createdAt; self.updatedAt = updatedAt; self.createdBy = createdBy; self.version = version
    }

    /// "First Last" as people are addressed in lists.
    public var displayName: String { "\(firstName) \(lastName)".trimmingCharacters(in: .whitespaces) }

    /// Two letters for an avatar.
    public var initials: String {
        String([firstName.first, lastName.first].compactMap { $0 }).uppercased()
    }
}

/// Whether a user can take work now; routing skips anyone not `available`.
public enum WorkingStatus: String, CaseIterable, Codable, Sendable {
    case available, busy, away, off
}

/// The interface languages Rapport speaks.
public enum AppLocale: String, CaseIterable, Codable, Sendable {
    case en, ru
}
