import RapportDomain
import RapportServices

/// `POST`/`PATCH /api/v1/companies`.
struct CompanyBody: StrictInput {
    var kind: String?
    var status: String?
    var shortName: String?
    var fullName: String?
    var inn: String?
    var kpp: String?
    var foreignTaxID: String?
    var addresses: [Address]?
    var bankAccount: BankAccount?
    var channels: [ChannelDTO]?
    var region: String?
    var timeZone: String?
    var reliability: String?
    var clientClass: String?
    var priceType: String?
    var deliveryTerms: String?
    var leadTimeDays: Int?
    var advertisingSource: String?
    var birthday: String?
    var workStartedOn: String?
    var ownerID: Int64?
    var custom: [String: CustomInput]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, status, inn, kpp, addresses, channels, region, reliability, birthday, custom
        case shortName = "short_name", fullName = "full_name", foreignTaxID = "foreign_tax_id"
        case bankAccount = "bank_account", timeZone = "time_zone", clientClass = "client_class"
        case priceType = "price_type", deliveryTerms = "delivery_terms", leadTimeDays = "lead_time_days"
        case advertisingSource = "advertising_source", workStartedOn = "work_started_on", ownerID = "owner_id"
    }
    typealias Keys = CodingKeys

    func input() throws -> CompanyInput {
        CompanyInput(kind: kind, status: status, shortName: shortName, fullName: fullName, inn: inn, kpp: kpp,
                     foreignTaxID: foreignTaxID, addresses: addresses, bankAccount: bankAccount,
                     channels: try ChannelDTO.channels(channels), region: region, timeZone: timeZone,
                     reliability: reliability, clientClass: clientClass, priceType: priceType,
                     deliveryTerms: deliveryTerms, leadTimeDays: leadTimeDays, advertisingSource: advertisingSource,
                     birthday: birthday, workStartedOn: workStartedOn, ownerID: ownerID, custom: custom)
    }
}

/// `POST`/`PATCH /api/v1/contacts`; `companies` replaces the contact's company links.
struct ContactBody: StrictInput {
    var firstName: String?
    var middleName: String?
    var lastName: String?
    var position: String?
    var channels: [ChannelDTO]?
    var birthday: String?
    var timeZone: String?
    var region: String?
    var ownerID: Int64?
    var companies: [CompanyLinkDTO]?
    var custom: [String: CustomInput]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case position, channels, birthday, region, companies, custom
        case firstName = "first_name", middleName = "middle_name", lastName = "last_name"
        case timeZone = "time_zone", ownerID = "owner_id"
    }
    typealias Keys = CodingKeys

    func input() throws -> ContactInput {
        ContactInput(firstName: firstName, middleName: middleName, lastName: lastName, position: position,
                     channels: try ChannelDTO.channels(channels), birthday: birthday, timeZone: timeZone,
                     region: region, ownerID: ownerID,
                     companies: companies?.map { .init(companyID: $0.companyID, role: $0.role) }, custom: custom)
    }
}
