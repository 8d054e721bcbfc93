import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What an export is written as.
public enum ExportFormat: String, CaseIterable, Sendable {
    case csv, xlsx, vcf

    public var contentType: String {
        switch self {
        case .csv: "text/csv; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case .vcf: "text/vcard; charset=utf-8"
        }
    }
}

/// Exports of client lists, honouring the role's `export` scope: CSV and XLSX for companies
/// and contacts, vCard 3.0 or 4.0 for contacts. Every export is written to a file, row by
/// row, by `write`: the web answers with that file, the command line leaves it where asked.
/// Neither holds the list in memory, so neither needs a limit on its size.
public struct ExportService: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// An export written to a temporary file, which the caller removes.
    public struct ExportedFile: Sendable {
        public var url: URL
        public var contentType: String
        public var fileName: String
    }

    /// The whole filtered list in a temporary file.
    public func file(_ entity: PermissionEntity, format: ExportFormat, query: ClientQuery, vCard: VCard.Version = .v3,
                     by principal: Principal) async throws -> ExportedFile {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-export-\(UUID().uuidString)")
        do {
            try await write(entity, format: format, query: query, vCard: vCard, limit: nil, to: url, by: principal)
        } catch {
            // Whatever was written of a failed export is of no use.
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        let name = (entity == .company ? "companies." : "contacts.") + format.rawValue
        return ExportedFile(url: url, contentType: format.contentType, fileName: name)
    }

    /// Writes the export to `url`; returns how many records it holds. `progress` hears the
    /// count after every page of records.
    @discardableResult
    public func write(_ entity: PermissionEntity, format: ExportFormat, query: ClientQuery, vCard: VCard.Version = .v3,
                      limit: Int?, to url: URL, by principal: Principal, progress: @escaping @Sendable (Int) -> Void = { _ in })
        async throws -> Int
    {
        guard entity == .company || entity == .contact else { throw RapportError.invalid("entity", "invalid", "only companies and contacts export") }
        if format == .vcf && entity != .contact {
            throw RapportError.invalid("format", "invalid", "vCard holds people: only contacts export as vCard")
        }
        try Access.requireAny(principal, .export, entity)
        // A million records take a minute or so: longer than one database read may otherwise.
        return try await Database.allowingLongOperations {
            try await self.write(entity, format: format, query: query, vCard: vCard, limit: limit, to: url, by: principal,
                                 checked: progress)
        }
    }

    /// `write` once its request is checked.
    private func write(_ entity: PermissionEntity, format: ExportFormat, query: ClientQuery, vCard: VCard.Version,
                       limit: Int?, to url: URL, by principal: Principal, checked progress: @escaping @Sendable (Int) -> Void)
        async throws -> Int
    {
        switch format {
        case .xlsx:
            let workbook = try XLSXFile.Writer(sheetName: entity == .company ? "Companies" : "Contacts")
            let count = try await rows(entity, query: query, limit: limit, by: principal, progress: progress, into: workbook)
            try workbook.finish(to: url)
            return count
        case .csv:
            let file = try CSVFile(url)
            let count = try await rows(entity, query: query, limit: limit, by: principal, progress: progress, into: file)
            try file.flush()
            try file.file.close()
            return count
        case .vcf:
            let file = try TextFile(url)
            let count = try await cards(query, version: vCard, limit: limit, by: principal, progress: progress, into: file)
            try file.close()
            return count
        }
    }

    /// The table of an export, header first, one row per record.
    func rows(_ entity: PermissionEntity, query: ClientQuery, limit: Int?, by principal: Principal,
              progress: @escaping @Sendable (Int) -> Void, into sink: some RowSink) async throws -> Int {
        let scope = principal.scope(entity, .export)
        return try await env.database.read { db in
            let owners = try await Self.userNames(db)
            if entity == .company {
                let (query, definitions) = try await CustomValueChecks.resolved(query, .company, on: db)
                try sink.row(["id", "short_name", "full_name", "kind", "status", "inn", "kpp", "region", "phones", "emails",
                          "responsible", "created_at"] + definitions.map(\.code))
                return try await Self.pages(limit: limit, progress: progress) { [query] page in
                    try await CompanyStore().list(query, scope: scope, subject: principal.subject, page: page, on: db)
                } batch: { _ in () } each: { c, _ in
                    try sink.row([String(c.id), c.shortName, c.fullName ?? "", c.kind.rawValue, c.status.rawValue, c.inn ?? "",
                              c.kpp ?? "", c.region ?? "", Self.values(c.channels, .phone), Self.values(c.channels, .email),
                              c.ownerID.flatMap { owners[$0] } ?? "", ISO8601.string(c.createdAt)]
                        + Self.custom(c.custom, definitions))
                }
            }
            let (query, definitions) = try await CustomValueChecks.resolved(query, .contact, on: db)
            try sink.row(["id", "last_name", "first_name", "middle_name", "position", "companies", "phones", "emails", "birthday",
                      "time_zone", "region", "responsible", "created_at"] + definitions.map(\.code))
            return try await Self.pages(limit: limit, progress: progress) { [query] page in
                try await ContactStore().list(query, scope: scope, subject: principal.subject, page: page, on: db)
            } batch: { contacts in
                try await ContactStore().companyNames(contactIDs: contacts.map(\.id), scope: principal.scope(.company, .read),
                                                      subject: principal.subject, on: db)
            } each: { c, companies in
                try sink.row([String(c.id), c.lastName ?? "", c.firstName, c.middleName ?? "", c.position ?? "",
                          (companies[c.id] ?? []).joined(separator: "; "), Self.values(c.channels, .phone),
                          Self.values(c.channels, .email), c.birthday?.description ?? "", c.timeZone ?? "", c.region ?? "",
                          c.ownerID.flatMap { owners[$0] } ?? "", ISO8601.string(c.createdAt)] + Self.custom(c.custom, definitions))
            }
        }
    }

    /// Contacts as vCards, one string per card.
    func cards(_ query: ClientQuery, version: VCard.Version, limit: Int?, by principal: Principal,
               progress: @escaping @Sendable (Int) -> Void, into file: TextFile) async throws -> Int {
        let scope = principal.scope(.contact, .export)
        return try await env.database.read { db in
            let query = try await CustomValueChecks.resolvedQuery(query, .contact, on: db)
            return try await Self.pages(limit: limit, progress: progress) { [query] page in
                try await ContactStore().list(query, scope: scope, subject: principal.subject, page: page, on: db)
            } batch: { contacts in
                try await ContactStore().companyNames(contactIDs: contacts.map(\.id), scope: principal.scope(.company, .read),
                                                      subject: principal.subject, on: db)
            } each: { c, companies in
                try file.write(VCard.make(c, companies: companies[c.id] ?? [], version: version))
            }
        }
    }

    /// Walks a keyset-paginated list page by page, at most `limit` records; returns the count.
    static func pages<T, B>(limit: Int?, progress: (Int) -> Void, fetch: (PageRequest) async throws -> Page<T>,
                            batch: ([T]) async throws -> B, each: (T, B) throws -> Void) async throws -> Int {
        var cursor: PageCursor?
        var count = 0
        let limit = limit ?? .max
        repeat {
            let page = try await fetch(PageRequest(limit: PageRequest.maxLimit, cursor: cursor))
            let extra = try await batch(page.items)
            for item in page.items where count < limit {
                try each(item, extra)
                count += 1
            }
            progress(count)
            cursor = count < limit ? page.nextCursor : nil
        } while cursor != nil
        return count
    }

    /// One cell per custom field, as `CustomFieldRules.text` writes it (what import reads back).
    static func custom(_ values: CustomValues, _ definitions: [CustomFieldDefinition]) -> [String] {
        definitions.map { d in values[d.code].map { CustomFieldRules.text($0, for: d) } ?? "" }
    }

    static func values(_ channels: [ContactChannel], _ kind: ChannelKind) -> String {
        channels.filter { $0.kind == kind }.map(\.value).joined(separator: "; ")
    }

    static func userNames(_ db: any SQLDatabase) async throws -> [Int64: String] {
        let rows = try await db.raw("SELECT id, first_name, last_name FROM users").all()
        return Dictionary(uniqueKeysWithValues: try rows.map {
            (try $0.decode(column: "id", as: Int64.self),
             "\(try $0.decode(column: "first_name", as: String.self)) \(try $0.decode(column: "last_name", as: String.self))")
        })
    }

    /// A text file written in pieces, by one task at a time.
    final class TextFile: @unchecked Sendable {
        let handle: FileHandle

        init(_ url: URL) throws {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw RapportError.unavailable("cannot write \(url.path)")
            }
            handle = try FileHandle(forWritingTo: url)
        }

        var closed = false

        deinit {
            // Only an export that failed part-way gets here open: its file is removed anyway.
            if !closed { try? handle.close() }
        }

        func write(_ text: String) throws { try handle.write(contentsOf: Data(text.utf8)) }

        /// Closes the file after the last write; an error here means the file may be incomplete.
        func close() throws {
            closed = true
            try handle.close()
        }
    }

    /// CSV written to a file a megabyte at a time, by one task at a time.
    final class CSVFile: RowSink, @unchecked Sendable {
        let file: TextFile
        var csv = CSVWriter()

        init(_ url: URL) throws { file = try TextFile(url) }

        func row(_ cells: [String]) throws {
            csv.row(cells)
            if csv.text.utf8.count > 1 << 20 { try flush() }
        }

        func flush() throws { try file.write(csv.takeText()) }
    }
}

/// Where the rows of a table export go (a CSV file, an XLSX workbook); used by one task at a time.
protocol RowSink: AnyObject, Sendable {
    func row(_ cells: [String]) throws
}
