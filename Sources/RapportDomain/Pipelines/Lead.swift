import Foundation

/// An incoming request not yet qualified (P3): who asked, how to reach them, where it came
/// from, what about. Converted, it becomes a contact (and a company) and a deal.
public struct Lead: PipelineRecord {
    public static let entity = PipelineEntity.lead

    /// Where a lead came from: the advertising campaign's tags.
    public struct UTM: Equatable, Sendable, Codable {
        public var source: String?
        public var medium: String?
        public var campaign: String?
        public var content: String?
        public var term: String?

        public init(source: String? = nil, medium: String? = nil, campaign: String? = nil, content: String? = nil,
                    term: String? = nil) {
            self.source = source
            self.medium = medium
            self.campaign = campaign
            self.content = content
            self.term = term
        }
    }

    /// What the lead became.
    public struct Conversion: Equatable, Sendable {
        public var contactID: Int64?
        public var companyID: Int64?
        public var dealID: Int64?
        public var at: Date

        public init(contactID: Int64?, companyID: Int64?, dealID: Int64?, at: Date) {
            self.contactID = contactID
            self.companyID = companyID
            self.dealID = dealID
            self.at = at
        }
    }

    public var id: Int64
    public var title: String
    public var firstName: String?
    public var middleName: String?
    public var lastName: String?
    /// Phones, e-mails, messengers, as on a contact.
    public var channels: [ContactChannel]
    public var companyName: String?
    /// How it came: phone, e-mail, web form, messenger, manual, import …
    public var source: String?
    public var campaign: String?
    public var utm: UTM
    /// The page the request was sent from (a web form's page).
    public var referrer: String?
    public var topic: String?
    /// End customer, dealer, designer …
    public var clientType: String?
    public var objectAddress: String?
    /// Where the client is (a city, a region), as the request said it.
    public var region: String?
    /// The language the client speaks (`ru`, `az`, `en` …).
    public var language: String?
    public var amount: Int64?
    /// The price given before the measurement, kept when the final one (`amount`) is set.
    public var preliminaryAmount: Int64?
    public var currency: String
    public var comments: String?
    public var ownerID: Int64
    public var place: StagePlace
    public var conversion: Conversion?
    public var custom: CustomValues
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, title: String, ownerID: Int64, currency: String = "RUB", place: StagePlace = StagePlace(),
                createdBy: Int64? = nil, createdAt: Date, updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.title = title
        self.channels = []
        self.utm = UTM()
        self.currency = currency
        self.ownerID = ownerID
        self.place = place
        self.custom = [:]
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The client's name as people write it: last, first, middle.
    public var clientName: String? {
        let parts = [lastName, firstName, middleName].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// What a list searches in: the title, the client's name, the company, phones (as typed and
    /// normalised) and e-mails, in lower case.
    public var searchKey: String {
        ([title, lastName, firstName, middleName, companyName].compactMap { $0 }
            + channels.flatMap { [$0.value, $0.normalized].compactMap { $0 } }).joined(separator: " ").lowercased()
    }

    public var phones: [String] { channels.filter { $0.kind == .phone }.map(\.value) }
    public var emails: [String] { channels.filter { $0.kind == .email }.map(\.value) }

    public var builtInFacts: [String: GateValue] {
        let pairs: [(String, GateValue?)] = [
            ("title", Self.text(title)), ("client_name", Self.text(clientName)), ("first_name", Self.text(firstName)),
            ("middle_name", Self.text(middleName)), ("last_name", Self.text(lastName)),
            ("phone", phones.isEmpty ? nil : .list(phones.map(GateValue.text))),
            ("email", emails.isEmpty ? nil : .list(emails.map(GateValue.text))),
            ("company_name", Self.text(companyName)), ("source", Self.text(source)), ("campaign", Self.text(campaign)),
            ("utm_source", Self.text(utm.source)), ("utm_medium", Self.text(utm.medium)),
            ("utm_campaign", Self.text(utm.campaign)), ("utm_content", Self.text(utm.content)),
            ("utm_term", Self.text(utm.term)), ("topic", Self.text(topic)), ("client_type", Self.text(clientType)),
            ("object_address", Self.text(objectAddress)), ("region", Self.text(region)), ("language", Self.text(language)),
            ("amount", Self.money(amount)), ("preliminary_amount", Self.money(preliminaryAmount)), ("currency", .text(currency)),
            ("comments", Self.text(comments)), ("owner_id", .number(Decimal(ownerID))),
        ]
        return Dictionary(pairs.compactMap { code, value in value.map { (code, $0) } }, uniquingKeysWith: { a, _ in a })
    }
}
