import Foundation

/// A person (P2): a client without a company, or someone at one or more companies.
public struct Contact: Equatable, Sendable {
    public var id: Int64
    public var firstName: String
    public var middleName: String?
    public var lastName: String?
    public var position: String?
    public var channels: [ContactChannel]
    public var birthday: CalendarDate?
    /// IANA zone: the card shows the person's local time.
    public var timeZone: String?
    public var region: String?
    public var ownerID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: Int64?
    public var version: Int64
    /// Values of the administrator's custom fields, by code.
    public var custom: CustomValues

    public init(id: Int64 = 0, firstName: String, middleName: String? = nil, lastName: String? = nil,
                position: String? = nil, channels: [ContactChannel] = [], birthday: CalendarDate? = nil,
                timeZone: String? = nil, region: String? = nil, ownerID: Int64? = nil, createdAt: Date,
                updatedAt: Date, createdBy: Int64? = nil, version: Int64 = 1, custom: CustomValues = [:]) {
        self.id = id; self.firstName = firstName; self.middleName = middleName; self.lastName = lastName
        self.position = position; self.channels = channels; self.birthday = birthday; self.timeZone = timeZone
        self.region = region; self.ownerID = ownerID; self.createdAt = createdAt; self.updatedAt = updatedAt
        self.createdBy = createdBy; self.version = version; self.custom = custom
    }

    /// "Last First Middle" as Russian lists show people; "First" alone when that is all there is.
    public var displayName: String {
        [lastName, firstName, middleName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// A person's place at a company, with their role there (director, buyer, designer, …).
public struct CompanyLink: Equatable, Sendable {
    public var companyID: Int64
    public var contactID: Int64
    public var role: String?

    public init(companyID: Int64, contactID: Int64, role: String?) {
        self.companyID = companyID; self.contactID = contactID; self.role = role
    }
}
