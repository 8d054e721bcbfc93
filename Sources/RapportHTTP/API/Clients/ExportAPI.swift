import Hummingbird
import NIOCore
import RapportServices

/// `GET /api/v1/companies/export.csv`, `/api/v1/contacts/export.csv`, `/api/v1/contacts/export.vcf`:
/// the filtered list as a file, limited to what the role may export.
struct ExportAPI {
    let export: ExportService
    let clients: ClientsAPI

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("companies/export.csv") { request, context in
            let text = try await export.companiesCSV(try clients.query(request), by: try context.requirePrincipal())
            return Self.file(text, type: "text/csv; charset=utf-8", name: "companies.csv")
        }
        group.get("contacts/export.csv") { request, context in
            let text = try await export.contactsCSV(try clients.query(request), by: try context.requirePrincipal())
            return Self.file(text, type: "text/csv; charset=utf-8", name: "contacts.csv")
        }
        group.get("contacts/export.vcf") { request, context in
            let text = try await export.contactsVCard(try clients.query(request), by: try context.requirePrincipal())
            return Self.file(text, type: "text/vcard; charset=utf-8", name: "contacts.vcf")
        }
    }

    static func file(_ text: String, type: String, name: String) -> Response {
        Response(status: .ok,
                 headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"",
                           .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
