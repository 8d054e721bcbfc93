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
                    return try Self.stream(file.url, type: file.contentType, name: file.fileName)
                }
            }
        }
    }

    static func file(_ data: Data, type: String, name: String) -> Response {
        Response(status: .ok, headers: headers(type: type, name: name), body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func headers(type: String, name: String) -> HTTPFields {
        [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"]
    }

    /// Streams a temporary file and removes it: it is opened, then unlinked at once (the open
    /// handle keeps its bytes until the answer is sent or abandoned), so nothing is left behind
    /// whatever happens to the connection, and memory stays flat for any size of export.
    static func stream(_ url: URL, type: String, name: String) throws -> Response {
        let file = try OpenFile(url)
        // The name is no longer needed once the file is open.
        try? FileManager.default.removeItem(at: url)
        var headers = headers(type: type, name: name)
        headers[.contentLength] = String(file.size)
        return Response(status: .ok, headers: headers, body: ResponseBody(contentLength: Int(file.size)) { writer in
            defer { file.close() }
            while let chunk = try file.next(), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }

    /// A file read once from start to end by one answer.
    final class OpenFile: @unchecked Sendable {
        let handle: FileHandle
        let size: UInt64

        init(_ url: URL) throws {
            handle = try FileHandle(forReadingFrom: url)
            size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
        }

        func next() throws -> Data? { try handle.read(upToCount: 256 << 10) }

        func close() {
            // Closing a file only read from loses nothing.
            try? handle.close()
        }
    }
}
