import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// A document as the API lists it, with its PDF's address.
struct DocumentDTO: Encodable {
    var document: Document

    enum CodingKeys: String, CodingKey {
        case id, code, title, number, date, url
        case linkEntity = "link_entity", linkID = "link_id", templateID = "template_id", templateVersionID = "template_version_id"
        case attachmentID = "attachment_id", createdBy = "created_by", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        let d = document
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(d.id, forKey: .id)
        try c.encode(d.link.entity, forKey: .linkEntity)
        try c.encode(d.link.id, forKey: .linkID)
        try c.encode(d.templateID, forKey: .templateID)
        try c.encode(d.templateVersionID, forKey: .templateVersionID)
        try c.encode(d.code, forKey: .code)
        try c.encode(d.title, forKey: .title)
        try c.encode(d.number, forKey: .number)
        try c.encode(d.date.description, forKey: .date)
        try c.encode(d.attachmentID, forKey: .attachmentID)
        try c.encode("/api/v1/attachments/\(d.attachmentID)", forKey: .url)
        try c.encode(d.createdBy, forKey: .createdBy)
        try c.encode(ISO8601.string(d.createdAt), forKey: .createdAt)
    }
}

/// Body of `POST …/{id}/documents`.
struct DocumentBody: StrictInput {
    var templateID: Int64?

    enum CodingKeys: String, CodingKey, CaseIterable { case templateID = "template_id" }
    typealias Keys = CodingKeys
}

/// `/api/v1/{leads|deals}/{id}/documents`: documents made from templates (a PDF among the
/// record's files) and the list of a record's documents.
struct DocumentsAPI {
    let documents: DocumentService

    func register(on group: RouterGroup<RapportRequestContext>) {
        for (entity, path) in [("lead", "leads"), ("deal", "deals")] {
            group.post("\(path)/{id}/documents") { request, context in
                let body = try await JSONBody.decode(DocumentBody.self, from: request, context: context)
                let link = WorkTask.Link(entity: entity, id: try context.id(entity: entity))
                let (document, _) = try await documents.make(templateID: body.templateID, for: link, by: try context.requirePrincipal())
                return try JSONResponse.make(DocumentDTO(document: document), status: .created,
                                             headers: [.location: "/api/v1/attachments/\(document.attachmentID)"])
            }
            group.get("\(path)/{id}/documents") { _, context in
                let link = WorkTask.Link(entity: entity, id: try context.id(entity: entity))
                let list = try await documents.list(of: link, by: try context.requirePrincipal())
                return try JSONResponse.make(["data": list.map(DocumentDTO.init)])
            }
        }
    }
}
