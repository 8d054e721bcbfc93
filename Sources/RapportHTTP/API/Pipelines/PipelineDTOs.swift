import Foundation
import RapportDomain
import RapportServices

/// Money as the API writes it: decimal text in major units (`"150000.00"`), exact.
func moneyText(_ minor: Int64?, _ currency: String) -> String? {
    minor.map { MinorUnits.text($0, digits: MinorUnits.digits(currency)) }
}

struct StageTaskDTO: Encodable {
    var template: StageTaskTemplate

    enum CodingKeys: String, CodingKey {
        case title, description, script, checklist, priority, assignee
        case memoAttachmentID = "memo_attachment_id", dueHours = "due_hours", dueDays = "due_days", assigneeID = "assignee_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(template.title, forKey: .title)
        try c.encode(template.description, forKey: .description)
        try c.encode(template.script, forKey: .script)
        try c.encode(template.checklist, forKey: .checklist)
        try c.encode(template.memoAttachmentID, forKey: .memoAttachmentID)
        try c.encode(template.dueHours, forKey: .dueHours)
        try c.encode(template.dueDays, forKey: .dueDays)
        try c.encode(template.priority.rawValue, forKey: .priority)
        switch template.assignee {
        case .responsible: try c.encode("responsible", forKey: .assignee); try c.encodeNil(forKey: .assigneeID)
        case .user(let id): try c.encode("user", forKey: .assignee); try c.encode(id, forKey: .assigneeID)
        case .role(let id): try c.encode("role", forKey: .assignee); try c.encode(id, forKey: .assigneeID)
        }
    }
}

struct StageDTO: Encodable {
    var stage: Stage

    enum CodingKeys: String, CodingKey {
        case id, name, color, position, kind, condition, hint, version
        case pipelineID = "pipeline_id", requiredFields = "required_fields", hintLink = "hint_link"
        case autoAdvance = "auto_advance", refusalTaskTitle = "refusal_task_title", entryTasks = "entry_tasks"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage.id, forKey: .id)
        try c.encode(stage.pipelineID, forKey: .pipelineID)
        try c.encode(stage.name, forKey: .name)
        try c.encode(stage.color, forKey: .color)
        try c.encode(stage.position, forKey: .position)
        try c.encode(stage.kind.rawValue, forKey: .kind)
        try c.encode(stage.requiredFields, forKey: .requiredFields)
        try c.encode(stage.condition, forKey: .condition)
        try c.encode(stage.hint, forKey: .hint)
        try c.encode(stage.hintLink, forKey: .hintLink)
        try c.encode(stage.autoAdvance, forKey: .autoAdvance)
        try c.encode(stage.refusalTaskTitle, forKey: .refusalTaskTitle)
        try c.encode(stage.entryTasks.map(StageTaskDTO.init), forKey: .entryTasks)
        try c.encode(stage.version, forKey: .version)
    }
}

struct PipelineDTO: Encodable {
    var pipeline: Pipeline

    enum CodingKeys: String, CodingKey {
        case id, entity, name, mode, position, stages, version
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pipeline.id, forKey: .id)
        try c.encode(pipeline.entity.rawValue, forKey: .entity)
        try c.encode(pipeline.name, forKey: .name)
        try c.encode(pipeline.mode.rawValue, forKey: .mode)
        try c.encode(pipeline.position, forKey: .position)
        try c.encode(pipeline.stages.map(StageDTO.init), forKey: .stages)
        try c.encode(pipeline.version, forKey: .version)
    }
}

struct CloseReasonDTO: Encodable {
    var id: Int64
    var entity: String
    var label: String
    var position: Int
    var archived: Bool

    init(_ r: CloseReason) {
        id = r.id; entity = r.entity.rawValue; label = r.label; position = r.position; archived = r.archived
    }
}

struct LineItemDTO: Encodable {
    var name: String
    var quantity: String
    var unit: String?
    var price: String
    var discountPercent: String?
    var taxPercent: String?
    var taxIncluded: Bool
    var tax: String
    var total: String

    enum CodingKeys: String, CodingKey {
        case name, quantity, unit, price, tax, total
        case discountPercent = "discount_percent", taxPercent = "tax_percent", taxIncluded = "tax_included"
    }

    init(_ item: LineItem, currency: String) {
        let amounts = LineAmounts.of(item)
        name = item.name; quantity = "\(item.quantity)"; unit = item.unit
        price = moneyText(item.price, currency) ?? "0"
        discountPercent = item.discountPercent.map { "\($0)" }; taxPercent = item.taxPercent.map { "\($0)" }
        taxIncluded = item.taxIncluded
        tax = moneyText(amounts.tax, currency) ?? "0"; total = moneyText(amounts.total, currency) ?? "0"
    }
}

/// Where a record stands, as both records show it.
struct PlaceDTO: Encodable {
    var pipelineID: Int64
    var stageID: Int64
    var enteredAt: String
    var closeReasonID: Int64?
    var closedAt: String?

    enum CodingKeys: String, CodingKey {
        case pipelineID = "pipeline_id", stageID = "stage_id", enteredAt = "stage_entered_at", closeReasonID = "close_reason_id"
        case closedAt = "closed_at"
    }

    init(_ p: StagePlace) {
        pipelineID = p.pipelineID; stageID = p.stageID; enteredAt = ISO8601.string(p.enteredAt)
        closeReasonID = p.closeReasonID; closedAt = p.closedAt.map(ISO8601.string)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pipelineID, forKey: .pipelineID)
        try c.encode(stageID, forKey: .stageID)
        try c.encode(enteredAt, forKey: .enteredAt)
        try c.encode(closeReasonID, forKey: .closeReasonID)
        try c.encode(closedAt, forKey: .closedAt)
    }
}

struct StageVisitDTO: Encodable {
    var stageID: Int64
    var enteredAt: String
    var leftAt: String?
    var movedBy: Int64?

    enum CodingKeys: String, CodingKey {
        case stageID = "stage_id", enteredAt = "entered_at", leftAt = "left_at", movedBy = "moved_by"
    }

    init(_ v: StageVisit) {
        stageID = v.stageID; enteredAt = ISO8601.string(v.enteredAt); leftAt = v.leftAt.map(ISO8601.string); movedBy = v.movedBy
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stageID, forKey: .stageID)
        try c.encode(enteredAt, forKey: .enteredAt)
        try c.encode(leftAt, forKey: .leftAt)
        try c.encode(movedBy, forKey: .movedBy)
    }
}

struct LeadDTO: Encodable {
    var lead: Lead
    var lineItems: [LineItem]?
    var visits: [StageVisit]?

    enum CodingKeys: String, CodingKey {
        case id, title, phones, emails, source, campaign, utm, topic, region, language, referrer, amount, currency, comments, custom, version
        case preliminaryAmount = "preliminary_amount"
        case firstName = "first_name", middleName = "middle_name", lastName = "last_name", companyName = "company_name"
        case clientType = "client_type", objectAddress = "object_address", ownerID = "owner_id", place = "stage"
        case conversion, lineItems = "line_items", visits = "stage_history", createdBy = "created_by"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    struct Conversion: Encodable {
        var contactID: Int64?
        var companyID: Int64?
        var dealID: Int64?
        var at: String

        enum CodingKeys: String, CodingKey {
            case contactID = "contact_id", companyID = "company_id", dealID = "deal_id", at = "converted_at"
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lead.id, forKey: .id)
        try c.encode(lead.title, forKey: .title)
        try c.encode(lead.firstName, forKey: .firstName)
        try c.encode(lead.middleName, forKey: .middleName)
        try c.encode(lead.lastName, forKey: .lastName)
        try c.encode(lead.phones, forKey: .phones)
        try c.encode(lead.emails, forKey: .emails)
        try c.encode(lead.companyName, forKey: .companyName)
        try c.encode(lead.source, forKey: .source)
        try c.encode(lead.campaign, forKey: .campaign)
        try c.encode(["source": lead.utm.source, "medium": lead.utm.medium, "campaign": lead.utm.campaign,
                      "content": lead.utm.content, "term": lead.utm.term], forKey: .utm)
        try c.encode(lead.topic, forKey: .topic)
        try c.encode(lead.clientType, forKey: .clientType)
        try c.encode(lead.objectAddress, forKey: .objectAddress)
        try c.encode(lead.region, forKey: .region)
        try c.encode(lead.language, forKey: .language)
        try c.encode(lead.referrer, forKey: .referrer)
        try c.encode(moneyText(lead.amount, lead.currency), forKey: .amount)
        try c.encode(moneyText(lead.preliminaryAmount, lead.currency), forKey: .preliminaryAmount)
        try c.encode(lead.currency, forKey: .currency)
        try c.encode(lead.comments, forKey: .comments)
        try c.encode(lead.ownerID, forKey: .ownerID)
        try c.encode(PlaceDTO(lead.place), forKey: .place)
        try c.encode(lead.conversion.map {
            Conversion(contactID: $0.contactID, companyID: $0.companyID, dealID: $0.dealID, at: ISO8601.string($0.at))
        }, forKey: .conversion)
        try c.encode(lead.custom, forKey: .custom)
        if let lineItems { try c.encode(lineItems.map { LineItemDTO($0, currency: lead.currency) }, forKey: .lineItems) }
        if let visits { try c.encode(visits.map(StageVisitDTO.init), forKey: .visits) }
        try c.encode(lead.createdBy, forKey: .createdBy)
        try c.encode(ISO8601.string(lead.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(lead.updatedAt), forKey: .updatedAt)
        try c.encode(lead.version, forKey: .version)
    }
}

struct DealDTO: Encodable {
    var deal: Deal
    var lineItems: [LineItem]?
    var visits: [StageVisit]?

    enum CodingKeys: String, CodingKey {
        case id, title, amount, currency, probability, custom, version
        case preliminaryAmount = "preliminary_amount"
        case companyID = "company_id", contactID = "contact_id", closeDate = "close_date", ownerID = "owner_id"
        case place = "stage", leadID = "lead_id", lineItems = "line_items", visits = "stage_history"
        case createdBy = "created_by", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(deal.id, forKey: .id)
        try c.encode(deal.title, forKey: .title)
        try c.encode(deal.companyID, forKey: .companyID)
        try c.encode(deal.contactID, forKey: .contactID)
        try c.encode(moneyText(deal.amount, deal.currency), forKey: .amount)
        try c.encode(moneyText(deal.preliminaryAmount, deal.currency), forKey: .preliminaryAmount)
        try c.encode(deal.currency, forKey: .currency)
        try c.encode(deal.closeDate?.description, forKey: .closeDate)
        try c.encode(deal.probability, forKey: .probability)
        try c.encode(deal.ownerID, forKey: .ownerID)
        try c.encode(PlaceDTO(deal.place), forKey: .place)
        try c.encode(deal.leadID, forKey: .leadID)
        try c.encode(deal.custom, forKey: .custom)
        if let lineItems { try c.encode(lineItems.map { LineItemDTO($0, currency: deal.currency) }, forKey: .lineItems) }
        if let visits { try c.encode(visits.map(StageVisitDTO.init), forKey: .visits) }
        try c.encode(deal.createdBy, forKey: .createdBy)
        try c.encode(ISO8601.string(deal.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(deal.updatedAt), forKey: .updatedAt)
        try c.encode(deal.version, forKey: .version)
    }
}

struct BoardDTO: Encodable {
    var pipeline: PipelineDTO
    var columns: [ColumnDTO]

    struct CardDTO: Encodable {
        var id: Int64
        var title: String
        var client: String?
        var amount: String?
        var currency: String
        var ownerID: Int64
        var stageEnteredAt: String
        var overdue: Bool
        var version: Int64

        enum CodingKeys: String, CodingKey {
            case id, title, client, amount, currency, overdue, version
            case ownerID = "owner_id", stageEnteredAt = "stage_entered_at"
        }

        init(_ card: BoardService.Card) {
            id = card.id; title = card.title; client = card.client; amount = moneyText(card.amount, card.currency)
            currency = card.currency; ownerID = card.ownerID; stageEnteredAt = ISO8601.string(card.enteredAt)
            overdue = card.overdue; version = card.version
        }
    }

    struct ColumnDTO: Encodable {
        var stageID: Int64
        var count: Int
        var sum: String
        var cards: [CardDTO]
        var nextCursor: String?

        enum CodingKeys: String, CodingKey {
            case count, sum, cards
            case stageID = "stage_id", nextCursor = "next_cursor"
        }
    }

    init(_ board: BoardService.Board, currency: String) {
        pipeline = PipelineDTO(pipeline: board.pipeline)
        columns = board.columns.map { column in
            ColumnDTO(stageID: column.stage.id, count: column.count, sum: moneyText(column.sum, currency) ?? "0",
                      cards: column.cards.map(CardDTO.init), nextCursor: column.next?.encoded)
        }
    }
}
