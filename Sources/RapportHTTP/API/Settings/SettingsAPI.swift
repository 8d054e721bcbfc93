import Foundation
import Hummingbird
import RapportDomain
import RapportServices

struct SettingsDTO: Encodable {
    var name: String
    var timeZone: String
    var currency: String
    var locale: String
    var requisites: CompanyRequisites
    var updatedAt: Date
    var version: Int64

    enum CodingKeys: String, CodingKey {
        case name, currency, locale, version, requisites
        case timeZone = "time_zone", updatedAt = "updated_at"
    }

    init(_ s: CompanySettings) {
        name = s.name; timeZone = s.timeZone; currency = s.currency; locale = s.locale.rawValue
        requisites = s.requisites; updatedAt = s.updatedAt; version = s.version
    }
}

struct SettingsBody: StrictInput {
    var name: String?
    var timeZone: String?
    var currency: String?
    var locale: String?
    var requisites: CompanyRequisites?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, currency, locale, requisites
        case timeZone = "time_zone"
    }
    typealias Keys = CodingKeys
}

/// `/api/v1/settings`: the company settings and its legal details; `/api/v1/settings/pictures/{kind}`:
/// the logo, stamp and signature documents carry (the raw JPEG or PNG, or a multipart `file`).
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
                .init(name: body.name, timeZone: body.timeZone, currency: body.currency, locale: body.locale, requisites: body.requisites),
                expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(SettingsDTO(value), version: value.version)
        }
        group.put("settings/pictures/{kind}") { request, context in
            let picture = try Self.picture(context)
            let upload = try await AttachmentsAPI.upload(request, context: context, limit: 5 << 20)
            let value = try await settings.setPicture(picture, fileName: upload.fileName, contentType: upload.contentType, bytes: upload.bytes,
                                                      by: try context.requirePrincipal())
            return try JSONResponse.make(SettingsDTO(value), version: value.version)
        }
        group.get("settings/pictures/{kind}") { _, context in
            let found = try await settings.picture(try Self.picture(context), by: try context.requirePrincipal())
            return try await AttachmentsAPI.download(found.attachment, path: found.path, context: context)
        }
        group.delete("settings/pictures/{kind}") { _, context in
            let value = try await settings.removePicture(try Self.picture(context), by: try context.requirePrincipal())
            return try JSONResponse.make(SettingsDTO(value), version: value.version)
        }
    }

    static func picture(_ context: RapportRequestContext) throws -> CompanyRequisites.Picture {
        guard let kind = context.parameters.get("kind"), let picture = CompanyRequisites.Picture(rawValue: kind) else {
            throw RapportError.notFound(entity: "picture")
        }
        return picture
    }
}
