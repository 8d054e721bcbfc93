import Foundation

/// Where a lead or deal stands in its pipeline.
public struct StagePlace: Equatable, Sendable {
    public var pipelineID: Int64
    public var stageID: Int64
    /// The `StageVisit` of the current stay (the stage's tasks belong to it).
    public var visitID: Int64
    public var enteredAt: Date
    /// Why it was closed (a lost stage), from the company's list.
    public var closeReasonID: Int64?
    /// When it entered a won or lost stage; nil while open.
    public var closedAt: Date?

    public init(pipelineID: Int64 = 0, stageID: Int64 = 0, visitID: Int64 = 0, enteredAt: Date = Date(timeIntervalSince1970: 0),
                closeReasonID: Int64? = nil, closedAt: Date? = nil) {
        self.pipelineID = pipelineID
        self.stageID = stageID
        self.visitID = visitID
        self.enteredAt = enteredAt
        self.closeReasonID = closeReasonID
        self.closedAt = closedAt
    }
}

/// What leads and deals share: a place in a pipeline, a responsible, money, custom fields,
/// and the fields a stage's gate reads.
public protocol PipelineRecord: Sendable, Equatable {
    static var entity: PipelineEntity { get }
    var id: Int64 { get set }
    var title: String { get set }
    var ownerID: Int64 { get set }
    var place: StagePlace { get set }
    /// Minor units; nil when not known yet.
    var amount: Int64? { get set }
    /// The price given before the measurement, kept apart once the final one is set.
    var preliminaryAmount: Int64? { get set }
    var currency: String { get set }
    var custom: CustomValues { get set }
    var updatedAt: Date { get set }
    var version: Int64 { get set }
    /// The built-in fields by the codes gates and placeholders use; a field without a value is left out.
    var builtInFacts: [String: GateValue] { get }
}

extension PipelineRecord {
    /// The record's fields as a gate sees them: built-in and `cf.<code>` custom ones.
    public var gateFields: [String: GateValue] {
        var fields = builtInFacts
        for (code, value) in custom {
            switch value {
            case .text(let text): fields["cf." + code] = .text(text)
            case .integer(let number): fields["cf." + code] = .number(Decimal(number))
            case .number(let number): fields["cf." + code] = .number(Decimal(number))
            case .bool(let flag): fields["cf." + code] = .bool(flag)
            case .list(let items): fields["cf." + code] = .list(items.map(GateValue.text))
            }
        }
        return fields
    }

    /// The values `{{code}}` placeholders are filled with (a list joined by commas).
    public var placeholderValues: [String: String] {
        gateFields.mapValues { value in
            switch value {
            case .text(let text): text
            case .number(let number): "\(number)"
            case .bool(let flag): flag ? "✓" : "—"
            case .list(let items): items.map { if case .text(let t) = $0 { t } else { $0.text } }.joined(separator: ", ")
            }
        }
    }

    static func money(_ minor: Int64?) -> GateValue? { minor.map { .number(Decimal($0) / 100) } }

    static func text(_ value: String?) -> GateValue? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return .text(value)
    }
}

/// The built-in fields of leads and deals that a stage may require or a condition may read,
/// with the label key pages show them by.
public enum PipelineFields {
    public static let lead: [String] = [
        "title", "client_name", "first_name", "middle_name", "last_name", "phone", "email", "company_name", "source",
        "campaign", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "topic", "client_type",
        "object_address", "region", "language", "amount", "currency", "comments", "owner_id", "line_items",
    ]
    public static let deal: [String] = [
        "title", "client", "company_id", "contact_id", "phone", "email", "amount", "currency", "close_date",
        "probability", "owner_id", "line_items",
    ]

    public static func builtIn(_ entity: PipelineEntity) -> [String] { entity == .lead ? lead : deal }
}
