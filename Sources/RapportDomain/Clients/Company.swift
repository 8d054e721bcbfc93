import Foundation

/// A counterparty (P2): a client, supplier, competitor, dealer, carrier or partner.
public struct Company: Equatable, Sendable {
    public var id: Int64
    public var kind: CompanyKind
    public var status: ClientStatus
    public var shortName: String
    public var fullName: String?
    /// Russian INN (validated) and KPP; `foreignTaxID` for other countries, as text.
    public var inn: String?
    public var kpp: String?
    public var foreignTaxID: String?
    public var addresses: [Address]
    public var bankAccount: BankAccount?
    public var channels: [ContactChannel]
    public var region: String?
    public var timeZone: String?
    public var reliability: Reliability?
    /// e.g. VIP, key account.
    public var clientClass: String?
    public var priceType: String?
    public var deliveryTerms: String?
    public var leadTimeDays: Int?
    public var advertisingSource: String?
    public var birthday: CalendarDate?
    public var workStartedOn: CalendarDate?
    public var ownerID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: Int64?
    public var version: Int64
    /// Values of the administrator's custom fields, by code.
    public var custom: CustomValues

    public init(id: Int64 = 0, kind: CompanyKind = .client, status: ClientStatus = .prospect, shortName: String,
                fullName: String? = nil, inn: String? = nil, kpp: String? = nil, foreignTaxID: String? = nil,
                addresses: [Address] = [], bankAccount: BankAccount? = nil, channels: [ContactChannel] = [],
                region: String? = nil, timeZone: String? = nil, reliability: Reliability? = nil,
                clientClass: String? = nil, priceType: String? = nil, deliveryTerms: String? = nil,
                leadTimeDays: Int? = nil, advertisingSource: String? = nil, birthday: CalendarDate? = nil,
                workStartedOn: CalendarDate? = nil, ownerID: Int64? = nil, createdAt: Date, updatedAt: Date,
                createdBy: Int64? = nil, version: Int64 = 1, custom: CustomValues = [:]) {
        self.id = id; self.kind = kind; self.status = status; self.shortName = shortName; self.fullName = fullName
        self.inn = inn; self.kpp = kpp; self.foreignTaxID = foreignTaxID; self.addresses = addresses
        self.bankAccount = bankAccount; self.channels = channels; self.region = region; self.timeZone = timeZone
        self.reliability = reliability; self.clientClass = clientClass; self.priceType = priceType
        self.deliveryTerms = deliveryTerms; self.leadTimeDays = leadTimeDays; self.advertisingSource = advertisingSource
        self.birthday = birthday; self.workStartedOn = workStartedOn; self.ownerID = ownerID; self.createdAt = createdAt
        self.updatedAt = updatedAt; self.createdBy = createdBy; self.version = version
        self.custom = custom
    }
}

/// A postal address of a given kind (legal, delivery, actual, postal, …).
public struct Address: Codable, Equatable, Sendable {
    public var kind: String
    public var text: String

    public init(kind: String, text: String) {
        self.kind = kind; self.text = text
    }
}

/// A company's settlement account.
public struct BankAccount: Codable, Equatable, Sendable {
    public var bankName: String?
    /// Russian bank identification code, 9 digits.
    public var bik: String?
    public var account: String?
    public var correspondentAccount: String?

    enum CodingKeys: String, CodingKey {
        case bankName = "bank_name", bik, account, correspondentAccount = "correspondent_account"
    }

    public init(bankName: String? = nil, bik: String? = nil, account: String? = nil, correspondentAccount: String? = nil) {
        self.bankName = bankName; self.bik = bik; self.account = account; self.correspondentAccount = correspondentAccount
    }
}
