import Foundation
import Hummingbird
import NIOCore
import RapportDomain
import RapportServices

/// `GET /api/v1/companies/export.{csv,xlsx}` and `/api/v1/contacts/export.{csv,xlsx,vcf}`:
/// the filtered list as a file, limited to what the role may export.
struct ExportAPI {
    let export: ExportService
    let clients: ClientsAPI

    func register(on group: RouterGroup<RapportRequestContext>) {
        for (path, entity) in [("companies", PermissionEntity.company), ("contacts", .contact)] {
            for format in ExportFormat.allCases where format != .vcf || entity == .contact {
                group.get("\(path)/export.\(format.rawValue)") { request, context in
                    let version = try QueryReader(request: request).oneOf("version", VCard.Version.self) ?? .v3
                    let file = try await export.file(entity, format: format, query: try clients.query(request), vCard: version,
                                                     by: try context.requirePrincipal())
                    return Self.file(file.data, type: file.contentType, name: file.fileName)
                }
            }
        }
    }

    static func file(_ data: Data, type: String, name: String) -> Response {
        Response(status: .ok,
                 headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"",
                           .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
