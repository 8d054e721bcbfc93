import Foundation

/// The kinds of value an administrator can give a custom field.
public enum CustomFieldType: String, CaseIterable, Codable, Sendable {
    case text
    case number
    /// An amount in the field's currency, stored exactly in minor units (kopecks, cents).
    case money
    case date
    case dateTime = "datetime"
    case boolean
    /// One of the field's options.
    case choice
    /// Any number of the field's options.
    case multiChoice = "multi_choice"
    /// A user of Rapport.
    case user
    /// A company or contact (`linkEntity`).
    case record

    /// A multi-choice list has no single value to order by.
    public var canSort: Bool { self != .multiChoice }
    public var hasOptions: Bool { self == .choice || self == .multiChoice }
    /// Filters by a range (`from`/`to`) rather than by one value.
    public var isRange: Bool { [.number, .money, .date, .dateTime].contains(self) }
}

/// The records custom fields can be defined for.
public enum CustomFieldEntity: String, CaseIterable, Codable, Sendable {
    case company
    case contact
    case lead
    case deal

    /// The records a `record` field may point at, and the import reads.
    public static let clients: [CustomFieldEntity] = [.company, .contact]
}

/// One option of a choice field: a stable code stored in records, and its label.
public struct CustomFieldOption: Codable, Equatable, Sendable {
    public var code: String
    public var label: String

    public init(code: String, label: String) {
        self.code = code; self.label = label
    }
}

/// An extra parameter the administrator defined for one entity. Its `code` is the key of
/// its value in each record and never changes; an archived field keeps its code reserved so
/// old values never come back under another meaning.
public struct CustomFieldDefinition: Equatable, Sendable {
    public var id: Int64
    public var entity: CustomFieldEntity
    public var code: String
    public var label: String
    public var type: CustomFieldType
    public var options: [CustomFieldOption]
    /// What a `record` field points to.
    public var linkEntity: CustomFieldEntity?
    /// The ISO 4217 currency of a `money` field.
    public var currency: String?
    public var required: Bool
    /// Filterable and sortable fields are indexed.
    public var filterable: Bool
    public var sortable: Bool
    public var showInList: Bool
    public var position: Int
    public var archived: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, entity: CustomFieldEntity, code: String, label: String, type: CustomFieldType,
                options: [CustomFieldOption] = [], linkEntity: CustomFieldEntity? = nil, currency: String? = nil,
                required: Bool = false, filterable: Bool = false, sortable: Bool = false, showInList: Bool = false,
                position: Int = 0, archived: Bool = false, createdAt: Date, updatedAt: Date, version: Int64 = 1) {
        self.id = id; self.entity = entity; self.code = code; self.label = label; self.type = type
        self.options = options; self.linkEntity = linkEntity; self.currency = currency; self.required = required
        self.filterable = filterable; self.sortable = sortable; self.showInList = showInList; self.position = position
        self.archived = archived; self.createdAt = createdAt; self.updatedAt = updatedAt; self.version = version
    }

    public func option(_ code: String) -> CustomFieldOption? { options.first { $0.code == code } }
}
