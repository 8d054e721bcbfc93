import Foundation
import Hummingbird
import RapportDomain
import RapportServices

extension TemplateInput: StrictInput { typealias Keys = CodingKeys }

/// `/api/v1/templates`: message templates, their versions and a preview for a record.
struct TemplatesAPI {
    let templates: TemplateService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("templates") { _, context in
            let list = try await templates.list(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map { TemplateDTO(template: $0, versions: nil) }])
        }
        group.post("templates") { request, context in
            let body = try await JSONBody.decode(TemplateInput.self, from: request, context: context)
            let made = try await templates.create(body, by: try context.requirePrincipal())
            return try JSONResponse.make(TemplateDTO(template: made, versions: nil), status: .created, version: made.version,
                                         headers: [.location: "/api/v1/templates/\(made.id)"])
        }
        group.get("templates/{id}") { _, context in
            let found = try await templates.get(try context.id(entity: "template"), by: try context.requirePrincipal())
            return try JSONResponse.make(TemplateDTO(template: found.template, versions: found.versions), version: found.template.version)
        }
        group.patch("templates/{id}") { request, context in
            let id = try context.id(entity: "template")
            let body = try await JSONBody.decode(TemplateInput.self, from: request, context: context)
            let saved = try await templates.update(id, body, expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(TemplateDTO(template: saved, versions: nil), version: saved.version)
        }
        group.get("templates/{id}/preview") { request, context in
            let query = QueryReader(request: request)
            guard let entity = try query.oneOf("record_kind", MessageTemplate.Subject.self) else {
                throw RapportError.invalid("record_kind", "required", "record_kind (lead, deal, contact, company, visit) is required")
            }
            guard let recordID = try query.int64("record_id") else {
                throw RapportError.invalid("record_id", "required", "record_id is required")
            }
            let rendered = try await templates.preview(try context.id(entity: "template"), for: .init(entity: entity.rawValue, id: recordID),
                                                       by: try context.requirePrincipal())
            return try JSONResponse.make(TemplatePreviewDTO(subject: rendered.subject, html: rendered.html, text: rendered.text,
                                                    templateVersionID: rendered.versionID))
        }
    }
}

struct TemplatePreviewDTO: Encodable {
    var subject: String
    var html: String
    var text: String
    var templateVersionID: Int64

    enum CodingKeys: String, CodingKey { case subject, html, text, templateVersionID = "template_version_id" }
}

struct TemplateVersionDTO: Encodable {
    var version: TemplateVersion

    enum CodingKeys: String, CodingKey {
        case id, number, subject, html, text
        case createdAt = "created_at", createdBy = "created_by"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version.id, forKey: .id)
        try c.encode(version.number, forKey: .number)
        try c.encode(version.subject, forKey: .subject)
        try c.encode(version.html, forKey: .html)
        try c.encode(version.text, forKey: .text)
        try c.encode(ISO8601.string(version.createdAt), forKey: .createdAt)
        try c.encode(version.createdBy, forKey: .createdBy)
    }
}

struct TemplateDTO: Encodable {
    var template: MessageTemplate
    var versions: [TemplateVersion]?

    enum CodingKeys: String, CodingKey {
        case id, kind, code, name, locale, active, current, versions, version
        case recordKind = "record_kind", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(template.id, forKey: .id)
        try c.encode(template.kind.rawValue, forKey: .kind)
        try c.encode(template.code, forKey: .code)
        try c.encode(template.name, forKey: .name)
        try c.encode(template.subject.rawValue, forKey: .recordKind)
        try c.encode(template.locale.rawValue, forKey: .locale)
        try c.encode(template.active, forKey: .active)
        try c.encode(TemplateVersionDTO(version: template.current), forKey: .current)
        if let versions { try c.encode(versions.map(TemplateVersionDTO.init), forKey: .versions) }
        try c.encode(ISO8601.string(template.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(template.updatedAt), forKey: .updatedAt)
        try c.encode(template.version, forKey: .version)
    }
}
