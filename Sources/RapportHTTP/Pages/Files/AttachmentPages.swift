import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// The "Files" card of company, contact, lead and deal pages: its model, uploading (a
/// multipart form) and removing a file. Files are downloaded from `/api/v1/attachments/{id}`.
struct AttachmentPages {
    let pages: PageRenderer
    let attachments: AttachmentService

    func register(on group: RouterGroup<RapportRequestContext>) {
        for owner in AttachmentService.Owner.allCases {
            let base = owner.pageFolder
            group.post("\(base)/{id}/attachments") { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.id(entity: owner.rawValue)
                let form = try await MultipartForm.read(request, context: context, csrf: csrfToken(principal), limit: attachments.maxBytes)
                guard let file = form.files["file"], !file.fileName.isEmpty else {
                    return pages.redirect(to: "/\(base)/\(id)", flash: "flash_file_missing_refused")
                }
                do {
                    _ = try await attachments.add(to: owner, id, fileName: file.fileName, contentType: file.contentType,
                                                  bytes: file.bytes, by: principal)
                    return pages.redirect(to: "/\(base)/\(id)", flash: "flash_file_added")
                } catch RapportError.validation(let errors) {
                    let tooLarge = errors.contains { $0.code == "too_large" }
                    return pages.redirect(to: "/\(base)/\(id)", flash: tooLarge ? "flash_file_too_large_refused"
                                                                              : "flash_file_empty_refused")
                }
            }
        }
        group.post("clients/attachments/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let id = try context.id(entity: "attachment")
            let record = try await attachments.get(id, by: principal).attachment
            try await attachments.delete(id, by: principal)
            let back = localPath(form.text("back")) ?? RecordPaths.path(record.entity, record.entityID)
            return pages.redirect(to: back, flash: "flash_file_removed")
        }
    }

    /// The card's model: the files, newest first, and the upload form when the viewer may change the record.
    func model(_ record: ReadableRecord, canEdit: Bool, names: [Int64: String], by principal: Principal,
               locale: AppLocale) async throws -> [String: Any] {
        let list = try await attachments.list(of: record)
        let back = RecordPaths.path(record.entity.rawValue, record.id)
        return [
            "attachments": list.map { a -> [String: Any] in
                var item: [String: Any] = [
                    "name": a.fileName, "href": "/api/v1/attachments/\(a.id)", "size": Self.size(a.size, locale: locale),
                    "when": Formatting.dateTime(a.createdAt, locale: locale, timeZone: principal.user.timeZone) ?? "",
                    "who": a.createdBy.flatMap { names[$0] } ?? "", "back": back,
                ]
                if canEdit { item["delete_action"] = "/clients/attachments/\(a.id)/delete" }
                return item
            },
            "attachments_empty": list.isEmpty,
            "attachment_action": canEdit ? "\(back)/attachments" : "",
            "attachment_limit": pages.text("file_limit", locale)
                .replacingOccurrences(of: "%@", with: String(attachments.maxBytes >> 20)),
        ]
    }

    /// `12 KB`, `3.4 MB`.
    static func size(_ bytes: Int64, locale: AppLocale) -> String {
        let units = locale == .ru ? ["Б", "КБ", "МБ", "ГБ"] : ["B", "KB", "MB", "GB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        let text = unit == 0 || value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value)
        return (locale == .ru ? text.replacingOccurrences(of: ".", with: ",") : text) + " " + units[unit]
    }
}

extension AttachmentService.Owner {
    /// Where the record's pages are (`clients/companies`, `leads` …).
    var pageFolder: String {
        switch self {
        case .company: "clients/companies"
        case .contact: "clients/contacts"
        case .lead: "leads"
        case .deal: "deals"
        }
    }

    /// The record's API collection (`companies`, `leads` …).
    var apiCollection: String { self == .company ? "companies" : rawValue + "s" }
}
