import Foundation
import Hummingbird
import RapportDomain
import RapportServices

struct SettingsDTO: Encodable {
    var name: String
    var timeZone: String
    var currency: String
    var locale: String
    var updatedAt: Date
    var version: Int64

    enum CodingKeys: String, CodingKey {
        case name, currency, locale, version
        case timeZone = "time_zone", updatedAt = "updated_at"
    }

    init(_ s: CompanySettings) {
        name = s.name; timeZone = s.timeZone; currency = s.currency; locale = s.locale.rawValue
        updatedAt = s.updatedAt; version = s.version
    }
}

struct SettingsBody: StrictInput {
    var name: String?
    var timeZone: String?
    var currency: String?
    var locale: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, currency, locale
        case timeZone = "time_zone"
    }
    typealias Keys = CodingKeys
}

/// `/api/v1/settings`: the company settings.
struct SettingsAPI {
    let settings: SettingsService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("settings") { _, context in
            let value = try await settings.get(by: try context.requirePrincipal())
            return try JSONResponse.make(SettingsDTO(value), version: value.version)
        }
        group.patch("settings") { request, context in
            let body = try await JSONBody.decode(SettingsBody.self, from: request, context: context)
            let value = try await settings.update(
                .init(name: body.name, timeZone: body.timeZone, currency: body.currency, locale: body.locale),
                expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(SettingsDTO(value), version: value.version)
        }
    }
}
