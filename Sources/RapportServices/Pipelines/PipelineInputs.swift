import Foundation
import RapportDomain

/// An amount as it is sent: a JSON number or a text (`1 234,50` too); read exactly into
/// minor units by the service, so no binary fraction ever touches money.
public struct MoneyText: Sendable, Equatable, Decodable {
    public var text: String

    public init(_ text: String) { self.text = text }

    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        // A text or a number: failing to read a text only means it is not one; the number's
        // own failure below is the error the sender gets.
        if let text = try? single.decode(String.self) { self.text = text; return }
        // A JSON number: its shortest decimal spelling is the number the sender wrote.
        self.text = "\(try single.decode(Decimal.self))"
    }
}

/// A line item as it is sent: the price in major units.
public struct LineItemInput: Sendable, Equatable, Decodable {
    public var name: String?
    public var quantity: MoneyText?
    public var unit: String?
    public var price: MoneyText?
    public var discountPercent: MoneyText?
    public var taxPercent: MoneyText?
    public var taxIncluded: Bool?

    public init(name: String?, quantity: String? = nil, unit: String? = nil, price: String?, discountPercent: String? = nil,
                taxPercent: String? = nil, taxIncluded: Bool? = nil) {
        self.name = name; self.quantity = quantity.map(MoneyText.init); self.unit = unit; self.price = price.map(MoneyText.init)
        self.discountPercent = discountPercent.map(MoneyText.init); self.taxPercent = taxPercent.map(MoneyText.init)
        self.taxIncluded = taxIncluded
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, quantity, unit, price, discountPercent = "discount_percent", taxPercent = "tax_percent"
        case taxIncluded = "tax_included"
    }
}

/// What is sent to create or change a lead. nil leaves a field as it is; an empty text
/// clears it. `pipeline_id`/`stage_id` only when creating (a stage later is a move).
public struct LeadInput: Sendable, Equatable, Decodable {
    public var title: String?
    public var firstName: String?
    public var middleName: String?
    public var lastName: String?
    public var phones: [String]?
    public var emails: [String]?
    public var companyName: String?
    public var source: String?
    public var campaign: String?
    public var utmSource: String?
    public var utmMedium: String?
    public var utmCampaign: String?
    public var utmContent: String?
    public var utmTerm: String?
    public var topic: String?
    public var clientType: String?
    public var objectAddress: String?
    public var region: String?
    public var language: String?
    public var referrer: String?
    public var amount: MoneyText?
    /// The price given before the measurement (kept apart when the final one is set).
    public var preliminaryAmount: MoneyText?
    public var currency: String?
    public var comments: String?
    public var ownerID: Int64?
    public var pipelineID: Int64?
    public var stageID: Int64?
    public var custom: [String: CustomInput]?
    public var lineItems: [LineItemInput]?

    public init() {}

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case title, phones, emails, source, campaign, topic, region, language, referrer, amount, currency, comments, custom
        case firstName = "first_name", middleName = "middle_name", lastName = "last_name", companyName = "company_name"
        case utmSource = "utm_source", utmMedium = "utm_medium", utmCampaign = "utm_campaign", utmContent = "utm_content"
        case utmTerm = "utm_term", clientType = "client_type", objectAddress = "object_address", ownerID = "owner_id"
        case pipelineID = "pipeline_id", stageID = "stage_id", lineItems = "line_items"
        case preliminaryAmount = "preliminary_amount"
    }

    /// Whether the input changes nothing.
    public var isEmpty: Bool { self == LeadInput() }
}

/// What is sent to create or change a deal.
public struct DealInput: Sendable, Equatable, Decodable {
    public var title: String?
    /// 0 (or an empty link) removes the client link.
    public var companyID: Int64?
    public var contactID: Int64?
    public var amount: MoneyText?
    /// The price given before the measurement (kept apart when the final one is set).
    public var preliminaryAmount: MoneyText?
    public var currency: String?
    /// `YYYY-MM-DD`; empty clears it.
    public var closeDate: String?
    public var probability: Int?
    public var ownerID: Int64?
    public var pipelineID: Int64?
    public var stageID: Int64?
    public var custom: [String: CustomInput]?
    public var lineItems: [LineItemInput]?

    public init() {}

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case title, amount, currency, probability, custom
        case companyID = "company_id", contactID = "contact_id", closeDate = "close_date", ownerID = "owner_id"
        case pipelineID = "pipeline_id", stageID = "stage_id", lineItems = "line_items"
        case preliminaryAmount = "preliminary_amount"
    }

    public var isEmpty: Bool { self == DealInput() }
}

/// A pipeline's own settings.
public struct PipelineInput: Sendable, Equatable, Decodable {
    public var entity: String?
    public var name: String?
    public var mode: String?
    public var position: Int?

    public init(entity: String? = nil, name: String? = nil, mode: String? = nil, position: Int? = nil) {
        self.entity = entity; self.name = name; self.mode = mode; self.position = position
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case entity, name, mode, position
    }
}

/// A task a stage makes on entry, as it is sent.
public struct StageTaskInput: Sendable, Equatable, Decodable {
    public var title: String?
    public var description: String?
    public var script: String?
    public var checklist: [String]?
    public var memoAttachmentID: Int64?
    public var dueHours: Double?
    public var dueDays: Int?
    /// `responsible`, `user` or `role`.
    public var assignee: String?
    /// The user's or role's id for `user` / `role`.
    public var assigneeID: Int64?
    public var priority: String?

    public init(title: String?, description: String? = nil, script: String? = nil, checklist: [String]? = nil,
                memoAttachmentID: Int64? = nil, dueHours: Double? = nil, dueDays: Int? = nil, assignee: String? = nil,
                assigneeID: Int64? = nil, priority: String? = nil) {
        self.title = title; self.description = description; self.script = script; self.checklist = checklist
        self.memoAttachmentID = memoAttachmentID; self.dueHours = dueHours; self.dueDays = dueDays; self.assignee = assignee
        self.assigneeID = assigneeID; self.priority = priority
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case title, description, script, checklist, assignee, priority
        case memoAttachmentID = "memo_attachment_id", dueHours = "due_hours", dueDays = "due_days", assigneeID = "assignee_id"
    }
}

/// A stage's settings; nil leaves a setting as it is.
public struct StageInput: Sendable, Equatable, Decodable {
    public var name: String?
    public var color: String?
    public var kind: String?
    /// Where it goes among the pipeline's stages (0 first); nil keeps it, or puts a new one before the closed stages.
    public var position: Int?
    public var requiredFields: [String]?
    public var condition: String?
    public var hint: String?
    public var hintLink: String?
    public var autoAdvance: Bool?
    public var refusalTaskTitle: String?
    public var entryTasks: [StageTaskInput]?

    public init(name: String? = nil, color: String? = nil, kind: String? = nil, position: Int? = nil,
                requiredFields: [String]? = nil, condition: String? = nil, hint: String? = nil, hintLink: String? = nil,
                autoAdvance: Bool? = nil, refusalTaskTitle: String? = nil, entryTasks: [StageTaskInput]? = nil) {
        self.name = name; self.color = color; self.kind = kind; self.position = position; self.requiredFields = requiredFields
        self.condition = condition; self.hint = hint; self.hintLink = hintLink; self.autoAdvance = autoAdvance
        self.refusalTaskTitle = refusalTaskTitle; self.entryTasks = entryTasks
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, color, kind, position, condition, hint
        case requiredFields = "required_fields", hintLink = "hint_link", autoAdvance = "auto_advance"
        case refusalTaskTitle = "refusal_task_title", entryTasks = "entry_tasks"
    }
}
