import Foundation

/// A sale in progress (P9): a client, an amount, an expected close, goods and work as line
/// items, moving through a deal pipeline.
public struct Deal: PipelineRecord {
    public static let entity = PipelineEntity.deal

    public var id: Int64
    public var title: String
    public var companyID: Int64?
    public var contactID: Int64?
    public var amount: Int64?
    /// The price given before the measurement, kept when the final one (`amount`) is set.
    public var preliminaryAmount: Int64?
    public var currency: String
    public var closeDate: CalendarDate?
    /// 0–100, in percent.
    public var probability: Int?
    public var ownerID: Int64
    public var place: StagePlace
    /// The lead it was converted from.
    public var leadID: Int64?
    public var custom: CustomValues
    /// The client contact's phones and e-mails, read with the deal for its gates (not stored on it).
    public var clientChannels: [ContactChannel]
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, title: String, ownerID: Int64, currency: String = "RUB", place: StagePlace = StagePlace(),
                createdBy: Int64? = nil, createdAt: Date, updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.title = title
        self.currency = currency
        self.ownerID = ownerID
        self.place = place
        self.custom = [:]
        self.clientChannels = []
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var builtInFacts: [String: GateValue] {
        let phones = clientChannels.filter { $0.kind == .phone }.map { GateValue.text($0.value) }
        let emails = clientChannels.filter { $0.kind == .email }.map { GateValue.text($0.value) }
        let pairs: [(String, GateValue?)] = [
            ("title", Self.text(title)),
            ("client", (companyID ?? contactID).map { .number(Decimal($0)) }),
            ("company_id", companyID.map { .number(Decimal($0)) }), ("contact_id", contactID.map { .number(Decimal($0)) }),
            ("phone", phones.isEmpty ? nil : .list(phones)), ("email", emails.isEmpty ? nil : .list(emails)),
            ("amount", Self.money(amount)), ("preliminary_amount", Self.money(preliminaryAmount)), ("currency", .text(currency)),
            ("close_date", closeDate.map { .text($0.description) }),
            ("probability", probability.map { .number(Decimal($0)) }), ("owner_id", .number(Decimal(ownerID))),
        ]
        return Dictionary(pairs.compactMap { code, value in value.map { (code, $0) } }, uniquingKeysWith: { a, _ in a })
    }
}
