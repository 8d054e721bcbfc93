import RapportDomain

/// What a person or client sends to create or change a company. nil leaves a field as it
/// is; an empty string clears an optional text; `owner_id` 0 is refused (a company always has
/// a responsible).
public struct CompanyInput: Sendable, Equatable {
    public var kind: String?
    public var status: String?
    public var shortName: String?
    public var fullName: String?
    public var inn: String?
    public var kpp: String?
    public var foreignTaxID: String?
    public var addresses: [Address]?
    public var bankAccount: BankAccount?
    public var channels: [ContactChannel]?
    public var region: String?
    public var timeZone: String?
    public var reliability: String?
    public var clientClass: String?
    public var priceType: String?
    public var deliveryTerms: String?
    public var leadTimeDays: Int?
    public var advertisingSource: String?
    public var birthday: String?
    public var workStartedOn: String?
    public var ownerID: Int64?
    /// Custom values by field code; a field left out keeps its value.
    public var custom: [String: CustomInput]?

    public init(kind: String? = nil, status: String? = nil, shortName: String? = nil, fullName: String? = nil,
                inn: String? = nil, kpp: String? = nil, foreignTaxID: String? = nil, addresses: [Address]? = nil,
                bankAccount: BankAccount? = nil, channels: [ContactChannel]? = nil, region: String? = nil,
                timeZone: String? = nil, reliability: String? = nil, clientClass: String? = nil,
                priceType: String? = nil, deliveryTerms: String? = nil, leadTimeDays: Int? = nil,
                advertisingSource: String? = nil, birthday: String? = nil, workStartedOn: String? = nil,
                ownerID: Int64? = nil, custom: [String: CustomInput]? = nil) {
        self.custom = custom
        self.kind = kind; self.status = status; self.shortName = shortName; self.fullName = fullName; self.inn = inn
        self.kpp = kpp; self.foreignTaxID = foreignTaxID; self.addresses = addresses; self.bankAccount = bankAccount
        self.channels = channels; self.region = region; self.timeZone = timeZone; self.reliability = reliability
        self.clientClass = clientClass; self.priceType = priceType; self.deliveryTerms = deliveryTerms
        self.leadTimeDays = leadTimeDays; self.advertisingSource = advertisingSource; self.birthday = birthday
        self.workStartedOn = workStartedOn; self.ownerID = ownerID
    }
}

/// What a person or client sends to create or change a contact. `companies` replaces the
/// contact's company links when given.
public struct ContactInput: Sendable, Equatable {
    public var firstName: String?
    public var middleName: String?
    public var lastName: String?
    public var position: String?
    public var channels: [ContactChannel]?
    public var birthday: String?
    public var timeZone: String?
    public var region: String?
    public var ownerID: Int64?
    public var companies: [LinkInput]?
    /// Custom values by field code; a field left out keeps its value.
    public var custom: [String: CustomInput]?

    public struct LinkInput: Sendable, Equatable {
        public var companyID: Int64
        public var role: String?
        public init(companyID: Int64, role: String? = nil) {
            self.companyID = companyID; self.role = role
        }
    }

    public init(firstName: String? = nil, middleName: String? = nil, lastName: String? = nil, position: String? = nil,
                channels: [ContactChannel]? = nil, birthday: String? = nil, timeZone: String? = nil,
                region: String? = nil, ownerID: Int64? = nil, companies: [LinkInput]? = nil,
                custom: [String: CustomInput]? = nil) {
        self.custom = custom
        self.firstName = firstName; self.middleName = middleName; self.lastName = lastName; self.position = position
        self.channels = channels; self.birthday = birthday; self.timeZone = timeZone; self.region = region
        self.ownerID = ownerID; self.companies = companies
    }
}

extension Validator {
    /// An optional enum value given as text: nil leaves it, a bad value is named.
    mutating func choice<T: RawRepresentable & CaseIterable>(_ raw: String?, _ type: T.Type, field: String) -> T?
    where T.RawValue == String {
        guard let raw else { return nil }
        guard let value = T(rawValue: raw) else {
            add(field, "invalid", "\(field) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// An optional `YYYY-MM-DD` date: "" clears it (returns .some(nil)), nil leaves it.
    mutating func date(_ raw: String?, field: String) -> CalendarDate?? {
        guard let raw else { return nil }
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .some(nil) }
        guard let date = CalendarDate(text) else {
            add(field, "invalid", "\(field) must be a date written YYYY-MM-DD")
            return nil
        }
        return .some(date)
    }

    /// An optional IANA zone: "" clears it.
    mutating func zone(_ raw: String?, field: String) -> String?? {
        guard let raw else { return nil }
        if raw.isEmpty { return .some(nil) }
        guard TimeZoneName.isValid(raw) else {
            add(field, "invalid", "\(field) must be an IANA zone such as Europe/Moscow")
            return nil
        }
        return .some(raw)
    }
}
