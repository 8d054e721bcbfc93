import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// An import as the API shows it.
struct ImportDTO: Encodable {
    var item: ClientImport

    enum CodingKeys: String, CodingKey {
        case id, entity, format, columns, mapping, state, processed, created, updated, skipped, rejected, error
        case fileName = "file_name", totalRows = "total_rows", duplicatePolicy = "duplicate_policy"
        case createdAt = "created_at", updatedAt = "updated_at", reportURL = "report_url"
    }

    func encode(to encoder: any Encoder) throws {
        let i = item
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(i.id, forKey: .id)
        try out.encode(i.entity, forKey: .entity)
        try out.encode(i.fileName, forKey: .fileName)
        try out.encode(i.format, forKey: .format)
        try out.encode(i.columns, forKey: .columns)
        try out.encode(Dictionary(uniqueKeysWithValues: i.mapping.map { (String($0.key), $0.value) }), forKey: .mapping)
        try out.encode(i.duplicatePolicy.rawValue, forKey: .duplicatePolicy)
        try out.encode(i.state.rawValue, forKey: .state)
        try out.encode(i.totalRows, forKey: .totalRows)
        try out.encode(i.processed, forKey: .processed)
        try out.encode(i.created, forKey: .created)
        try out.encode(i.updated, forKey: .updated)
        try out.encode(i.skipped, forKey: .skipped)
        try out.encode(i.rejected, forKey: .rejected)
        try out.encode(i.error, forKey: .error)
        try out.encode("/api/v1/imports/\(i.id)/report.csv", forKey: .reportURL)
        try out.encode(i.createdAt, forKey: .createdAt)
        try out.encode(i.updatedAt, forKey: .updatedAt)
    }
}

/// `PATCH /api/v1/imports/{id}`: the column mapping (column index as a string → target) and
/// what to do with rows that look like existing clients.
struct ImportBody: StrictInput {
    var mapping: [String: String]?
    var duplicatePolicy: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case mapping
        case duplicatePolicy = "duplicate_policy"
    }
    typealias Keys = CodingKeys

    func columns() throws -> [Int: String]? {
        guard let mapping else { return nil }
        var result: [Int: String] = [:]
        for (key, value) in mapping {
            guard let column = Int(key), column >= 0 else {
                throw RapportError.invalid("mapping.\(key)", "invalid", "mapping keys are column numbers from 0")
            }
            result[column] = value
        }
        return result
    }
}

/// `/api/v1/imports`: upload a CSV file of companies or contacts, map its columns, preview,
/// start, follow the progress and download the report of skipped and rejected rows.
struct ImportsAPI {
    let imports: ImportService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("imports") { _, context in
            let list = try await imports.list(by: try context.requirePrincipal())
            return try JSONResponse.make(ListBody(Page(items: list, nextCursor: nil)) { ImportDTO(item: $0) })
        }
        group.post("imports") { request, context in
            let entity = try QueryReader(request: request).string("entity") ?? ""
            let upload = try await AttachmentsAPI.upload(request, context: context, limit: imports.maxBytes)
            let item = try await imports.upload(entity: entity, fileName: upload.fileName, bytes: upload.bytes,
                                                by: try context.requirePrincipal())
            return try JSONResponse.make(ImportDTO(item: item), status: .created,
                                         headers: [.location: "/api/v1/imports/\(item.id)"])
        }
        group.get("imports/{id}") { _, context in
            let item = try await imports.get(try context.id(entity: "import"), by: try context.requirePrincipal())
            return try JSONResponse.make(ImportDTO(item: item))
        }
        group.patch("imports/{id}") { request, context in
            let id = try context.id(entity: "import")
            let body = try await JSONBody.decode(ImportBody.self, from: request, context: context)
            let item = try await imports.configure(id, mapping: try body.columns(), policy: body.duplicatePolicy,
                                                   by: try context.requirePrincipal())
            return try JSONResponse.make(ImportDTO(item: item))
        }
        group.get("imports/{id}/preview") { _, context in
            let rows = try await imports.preview(try context.id(entity: "import"), by: try context.requirePrincipal())
            struct Row: Encodable {
                var row: Int, cells: [String], outcome: String, reason: String
            }
            return try JSONResponse.make(ListBody(Page(items: rows, nextCursor: nil)) {
                Row(row: $0.row, cells: $0.cells, outcome: $0.outcome.rawValue, reason: $0.reason)
            })
        }
        group.post("imports/{id}/start") { _, context in
            let item = try await imports.start(try context.id(entity: "import"), by: try context.requirePrincipal())
            return try JSONResponse.make(ImportDTO(item: item), status: .accepted)
        }
        group.get("imports/{id}/report.csv") { _, context in
            let text = try await imports.report(try context.id(entity: "import"), by: try context.requirePrincipal())
            return ExportAPI.file(Data(text.utf8), type: ExportFormat.csv.contentType, name: "import-report.csv")
        }
    }
}
