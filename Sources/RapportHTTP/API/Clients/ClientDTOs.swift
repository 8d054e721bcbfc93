import Foundation
import RapportDomain
import RapportServices

/// A phone, e-mail, messenger or site as the API shows and takes it.
struct ChannelDTO: Codable, Sendable {
    var kind: String
    var type: String?
    var value: String
    /// Read-only: E.164 for phones, lower case otherwise; null when a phone could not be normalised.
    var normalized: String?

    init(_ c: ContactChannel) {
        kind = c.kind.rawValue; type = c.type; value = c.value; normalized = c.normalized
    }

    /// The channel, or a field error naming `field` for an unknown kind.
    func channel(field: String) throws -> ContactChannel {
        guard let kind = ChannelKind(rawValue: kind) else {
            throw RapportError.invalid("\(field).kind", "invalid",
                                       "kind must be one of \(ChannelKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return ContactChannel(kind: kind, type: type, value: value)
    }

    static func channels(_ list: [ChannelDTO]?) throws -> [ContactChannel]? {
        try list?.enumerated().map { try $0.element.channel(field: "channels[\($0.offset)]") }
    }
}

struct CompanyDTO: Encodable {
    var company: Company
    var definitions: [CustomFieldDefinition]

    enum CodingKeys: String, CodingKey {
        case id, kind, status, inn, kpp, addresses, channels, region, birthday, version
        case shortName = "short_name", fullName = "full_name", foreignTaxID = "foreign_tax_id"
        case bankAccount = "bank_account", timeZone = "time_zone", reliability, clientClass = "client_class"
        case priceType = "price_type", deliveryTerms = "delivery_terms", leadTimeDays = "lead_time_days"
        case advertisingSource = "advertising_source", workStartedOn = "work_started_on", ownerID = "owner_id"
        case createdAt = "created_at", updatedAt = "updated_at", custom
    }

    func encode(to encoder: any Encoder) throws {
        let c = company
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(c.id, forKey: .id)
        try out.encode(c.kind.rawValue, forKey: .kind)
        try out.encode(c.status.rawValue, forKey: .status)
        try out.encode(c.shortName, forKey: .shortName)
        try out.encode(c.fullName, forKey: .fullName)
        try out.encode(c.inn, forKey: .inn)
        try out.encode(c.kpp, forKey: .kpp)
        try out.encode(c.foreignTaxID, forKey: .foreignTaxID)
        try out.encode(c.addresses, forKey: .addresses)
        try out.encode(c.bankAccount, forKey: .bankAccount)
        try out.encode(c.channels.map(ChannelDTO.init), forKey: .channels)
        try out.encode(c.region, forKey: .region)
        try out.encode(c.timeZone, forKey: .timeZone)
        try out.encode(c.reliability?.rawValue, forKey: .reliability)
        try out.encode(c.clientClass, forKey: .clientClass)
        try out.encode(c.priceType, forKey: .priceType)
        try out.encode(c.deliveryTerms, forKey: .deliveryTerms)
        try out.encode(c.leadTimeDays, forKey: .leadTimeDays)
        try out.encode(c.advertisingSource, forKey: .advertisingSource)
        try out.encode(c.birthday?.description, forKey: .birthday)
        try out.encode(c.workStartedOn?.description, forKey: .workStartedOn)
        try out.encode(c.ownerID, forKey: .ownerID)
        try out.encode(CustomValuesDTO(values: c.custom, definitions: definitions), forKey: .custom)
        try out.encode(c.createdAt, forKey: .createdAt)
        try out.encode(c.updatedAt, forKey: .updatedAt)
        try out.encode(c.version, forKey: .version)
    }
}

struct CompanyLinkDTO: Codable, Sendable {
    var companyID: Int64
    var role: String?

    enum CodingKeys: String, CodingKey {
        case companyID = "company_id", role
    }
}

struct ContactDTO: Encodable {
    var contact: Contact
    var links: [CompanyLink]?
    var definitions: [CustomFieldDefinition]

    enum CodingKeys: String, CodingKey {
        case id, position, channels, birthday, region, companies, version
        case firstName = "first_name", middleName = "middle_name", lastName = "last_name", displayName = "display_name"
        case timeZone = "time_zone", ownerID = "owner_id", createdAt = "created_at", updatedAt = "updated_at", custom
    }

    func encode(to encoder: any Encoder) throws {
        let c = contact
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(c.id, forKey: .id)
        try out.encode(c.firstName, forKey: .firstName)
        try out.encode(c.middleName, forKey: .middleName)
        try out.encode(c.lastName, forKey: .lastName)
        try out.encode(c.displayName, forKey: .displayName)
        try out.encode(c.position, forKey: .position)
        try out.encode(c.channels.map(ChannelDTO.init), forKey: .channels)
        try out.encode(c.birthday?.description, forKey: .birthday)
        try out.encode(c.timeZone, forKey: .timeZone)
        try out.encode(c.region, forKey: .region)
        try out.encode(c.ownerID, forKey: .ownerID)
        if let links { try out.encode(links.map { CompanyLinkDTO(companyID: $0.companyID, role: $0.role) }, forKey: .companies) }
        try out.encode(CustomValuesDTO(values: c.custom, definitions: definitions), forKey: .custom)
        try out.encode(c.createdAt, forKey: .createdAt)
        try out.encode(c.updatedAt, forKey: .updatedAt)
        try out.encode(c.version, forKey: .version)
    }
}
