import Foundation
import RapportDomain
import RapportServices

/// A custom field definition as the API shows it.
struct CustomFieldDTO: Encodable {
    var field: CustomFieldDefinition

    enum CodingKeys: String, CodingKey {
        case id, entity, code, label, type, options, currency, required, filterable, sortable, position, archived, version
        case linkEntity = "link_entity", showInList = "show_in_list", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        let f = field
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(f.id, forKey: .id)
        try out.encode(f.entity.rawValue, forKey: .entity)
        try out.encode(f.code, forKey: .code)
        try out.encode(f.label, forKey: .label)
        try out.encode(f.type.rawValue, forKey: .type)
        try out.encode(f.options, forKey: .options)
        try out.encode(f.linkEntity?.rawValue, forKey: .linkEntity)
        try out.encode(f.currency, forKey: .currency)
        try out.encode(f.required, forKey: .required)
        try out.encode(f.filterable, forKey: .filterable)
        try out.encode(f.sortable, forKey: .sortable)
        try out.encode(f.showInList, forKey: .showInList)
        try out.encode(f.position, forKey: .position)
        try out.encode(f.archived, forKey: .archived)
        try out.encode(f.createdAt, forKey: .createdAt)
        try out.encode(f.updatedAt, forKey: .updatedAt)
        try out.encode(f.version, forKey: .version)
    }
}

/// `POST`/`PATCH /api/v1/custom-fields`.
struct CustomFieldBody: StrictInput {
    var entity: String?
    var code: String?
    var label: String?
    var type: String?
    var options: [OptionBody]?
    var linkEntity: String?
    var currency: String?
    var required: Bool?
    var filterable: Bool?
    var sortable: Bool?
    var showInList: Bool?
    var position: Int?

    struct OptionBody: Decodable, Sendable {
        var code: String?
        var label: String
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case entity, code, label, type, options, currency, required, filterable, sortable, position
        case linkEntity = "link_entity", showInList = "show_in_list"
    }
    typealias Keys = CodingKeys

    var input: CustomFieldInput {
        CustomFieldInput(entity: entity, code: code, label: label, type: type,
                         options: options?.map { .init(code: $0.code, label: $0.label) }, linkEntity: linkEntity,
                         currency: currency, required: required, filterable: filterable, sortable: sortable,
                         showInList: showInList, position: position)
    }
}

/// A record's custom values as the API shows them: money as a decimal string (`"1234.50"`),
/// date-times in ISO 8601, links as ids, many-of lists as arrays of option codes. Only
/// active fields are shown.
struct CustomValuesDTO: Encodable {
    var values: CustomValues
    var definitions: [CustomFieldDefinition]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: Key.self)
        for definition in definitions where !definition.archived {
            guard let value = values[definition.code] else { continue }
            let key = Key(stringValue: definition.code)
            switch definition.type {
            case .money, .dateTime: try out.encode(CustomFieldRules.text(value, for: definition), forKey: key)
            default: try out.encode(value, forKey: key)
            }
        }
    }
}
