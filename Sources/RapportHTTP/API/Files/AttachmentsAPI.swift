import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportDomain
import RapportServices

/// A file as the API lists it.
struct AttachmentDTO: Encodable {
    var attachment: Attachment

    enum CodingKeys: String, CodingKey {
        case id, entity, size, sha256, url
        case entityID = "entity_id", fileName = "file_name", contentType = "content_type", createdAt = "created_at"
        case createdBy = "created_by"
    }

    func encode(to encoder: any Encoder) throws {
        let a = attachment
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(a.id, forKey: .id)
        try out.encode(a.entity, forKey: .entity)
        try out.encode(a.entityID, forKey: .entityID)
        try out.encode(a.fileName, forKey: .fileName)
        try out.encode(a.contentType, forKey: .contentType)
        try out.encode(a.size, forKey: .size)
        try out.encode(a.sha256, forKey: .sha256)
        try out.encode("/api/v1/attachments/\(a.id)", forKey: .url)
        try out.encode(a.createdAt, forKey: .createdAt)
        try out.encode(a.createdBy, forKey: .createdBy)
    }
}

/// Files on companies, contacts, leads and deals: `POST …/{id}/attachments` (the raw bytes with `?name=`,
/// or `multipart/form-data` with a `file` field), the list, the download and removal.
struct AttachmentsAPI {
    let attachments: AttachmentService

    func register(on group: RouterGroup<RapportRequestContext>) {
        for owner in AttachmentService.Owner.allCases {
            let path = owner.apiCollection
            group.post("\(path)/{id}/attachments") { request, context in
                let id = try context.id(entity: owner.rawValue)
                let upload = try await Self.upload(request, context: context, limit: attachments.maxBytes)
                let saved = try await attachments.add(to: owner, id, fileName: upload.fileName,
                                                      contentType: upload.contentType, bytes: upload.bytes,
                                                      by: try context.requirePrincipal())
                return try JSONResponse.make(AttachmentDTO(attachment: saved), status: .created,
                                             headers: [.location: "/api/v1/attachments/\(saved.id)"])
            }
            group.get("\(path)/{id}/attachments") { _, context in
                let list = try await attachments.list(of: owner, try context.id(entity: owner.rawValue),
                                                      by: try context.requirePrincipal())
                return try JSONResponse.make(ListBody(Page(items: list, nextCursor: nil)) { AttachmentDTO(attachment: $0) })
            }
        }
        group.get("attachments/{id}") { _, context in
            let found = try await attachments.get(try context.id(entity: "attachment"), by: try context.requirePrincipal())
            return try await Self.download(found.attachment, path: found.path, context: context)
        }
        group.delete("attachments/{id}") { _, context in
            try await attachments.delete(try context.id(entity: "attachment"), by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
    }

    /// The file of an upload: a multipart form's `file` field, or the whole body named by `?name=`.
    static func upload(_ request: Request, context: RapportRequestContext, limit: Int) async throws
        -> MultipartForm.File
    {
        // Room for the multipart framing around a file of the largest size.
        let body = Data(buffer: try await request.body.collect(upTo: limit + (64 << 10)))
        if let boundary = MultipartForm.boundary(request.headers[.contentType]) {
            guard let form = MultipartForm(body, boundary: boundary) else {
                throw RapportError.invalid("body", "invalid", "the multipart body could not be read")
            }
            guard let file = form.files["file"] else { throw RapportError.invalid("file", "required", "send the file in a field named file") }
            return file
        }
        guard let name = try QueryReader(request: request).string("name", maxLength: 255) else {
            throw RapportError.invalid("name", "required", "name (the file's name) is required with a raw body")
        }
        return MultipartForm.File(fileName: name, contentType: request.headers[.contentType], bytes: body)
    }

    /// The file's bytes, streamed; only pictures, PDF and plain text may open in the browser,
    /// and never as a page of this site (`sandbox`).
    static func download(_ attachment: Attachment, path: String, context: RapportRequestContext) async throws -> Response {
        let inline = Attachment.inlineTypes.contains(attachment.contentType)
        let encoded = attachment.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        let ascii = String(attachment.fileName.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        var headers: HTTPFields = [
            .contentType: inline ? attachment.contentType : "application/octet-stream",
            .contentDisposition: "\(inline ? "inline" : "attachment"); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
            .cacheControl: "private, no-cache",
        ]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
        headers[.contentLength] = String(attachment.size)
        let body = try await FileIO().loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }
}
