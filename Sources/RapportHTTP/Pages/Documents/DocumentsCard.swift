import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// The "Documents" card of a lead or deal: the proposals and invoices made for it (each a PDF
/// among its files) with "Send by e-mail" — the compose page with the PDF attached and the
/// e-mail template of the same code filled — and a form to make a new one from a template.
struct DocumentsCard {
    let pages: PageRenderer
    let documents: DocumentService
    let messages: MessageService

    func register(on group: RouterGroup<RapportRequestContext>) {
        for (entity, path) in [("lead", "leads"), ("deal", "deals")] {
            group.post("\(path)/{id}/documents") { request, context in
                let principal = try context.requirePrincipal()
                let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                let id = try context.id(entity: entity)
                let back = RecordPaths.path(entity, id) + "#record-documents"
                do {
                    _ = try await documents.make(templateID: form.id("template_id"), for: .init(entity: entity, id: id), by: principal)
                } catch let error as RapportError {
                    guard case .validation = error else { throw error }
                    return pages.redirect(to: back, flash: "flash_document_refused")
                }
                return pages.redirect(to: back, flash: "flash_document_made")
            }
        }
    }

    func model(_ link: WorkTask.Link, by principal: Principal, locale: AppLocale) async throws -> [String: Any] {
        let list = try await documents.list(of: link, by: principal)
        let canEdit = principal.may(.update, WorkTask.Link.entities[link.entity] ?? .lead)
        // "Send by e-mail" fills the e-mail template of the document's code, in the viewer's language first.
        let emails = try await messages.templates(channel: .email, about: link.entity)
        func emailTemplate(_ code: String) -> MessageTemplate? {
            emails.first { $0.code == code && $0.locale == locale } ?? emails.first { $0.code == code }
        }
        let base = "/messages/new?link_entity=\(link.entity)&link_id=\(link.id)&channel=email"
        let templates = try await documents.templates(about: link.entity)
        return [
            "documents_card": true, "can_make_documents": canEdit, "has_document_templates": !templates.isEmpty,
            "make_documents_action": RecordPaths.path(link.entity, link.id) + "/documents",
            "document_templates": templates
                .sorted { ($0.locale == locale ? 0 : 1, $0.name) < ($1.locale == locale ? 0 : 1, $1.name) }
                .map { ["id": $0.id, "name": "\($0.name) (\($0.locale.rawValue))"] as [String: Any] },
            "record_documents": list.map { d -> [String: Any] in
                ["id": d.id, "title": d.title, "date": Formatting.date(d.date, locale: locale), "href": "/api/v1/attachments/\(d.attachmentID)",
                 "send_href": base + "&attach=\(d.attachmentID)" + (emailTemplate(d.code).map { "&template_id=\($0.id)" } ?? ""),
                 "can_send": canEdit]
            },
        ]
    }
}
