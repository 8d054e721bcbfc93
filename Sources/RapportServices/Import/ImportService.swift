import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Importing companies and contacts from CSV: upload (the file is kept, its columns read),
/// mapping (guessed, or the one used last time for the same columns) with a preview that
/// runs the first rows through every rule without saving, then a background job that writes
/// the rows in batches — each batch with its progress in one transaction, so a restart goes
/// on from the last batch and no row is written twice.
public struct ImportService: JobHandler {
    public static let jobKind = "client_import"
    public var kind: String { Self.jobKind }
    static let previewRows = 10

    let env: ServiceEnvironment
    let imports = ImportStore()
    let companies: CompanyService
    let contacts: ContactService
    /// Rows written per transaction.
    let batchSize: Int
    /// Runs after each committed batch with the rows done so far (a crash there is survivable).
    let afterBatch: (@Sendable (Int) async throws -> Void)?

    public init(env: ServiceEnvironment, batchSize: Int = 200, afterBatch: (@Sendable (Int) async throws -> Void)? = nil) {
        self.env = env
        self.companies = CompanyService(env: env)
        self.contacts = ContactService(env: env)
        self.batchSize = batchSize
        self.afterBatch = afterBatch
    }

    /// The largest file accepted (the attachment limit).
    public var maxBytes: Int { env.maxAttachmentBytes }

    static func permission(_ entity: String) -> PermissionEntity {
        switch entity {
        case "company": .company
        case "lead": .lead
        case "deal": .deal
        default: .contact
        }
    }

    // MARK: upload, mapping, start

    /// Keeps the file and reads its columns; the mapping is the one last used for these
    /// columns, or guessed from the headers.
    public func upload(entity: String, fileName: String, bytes: Data, by principal: Principal) async throws -> ClientImport {
        var v = Validator()
        if !ImportTargets.entities.contains(entity) { v.add("entity", "invalid", "entity must be company, contact, lead or deal") }
        if bytes.isEmpty { v.add("file", "empty", "the file is empty") }
        if bytes.count > env.maxAttachmentBytes {
            v.add("file", "too_large", "a file may be at most \(env.maxAttachmentBytes >> 20) MiB")
        }
        try v.throwIfInvalid()
        try Access.requireAny(principal, .create, Self.permission(entity))
        let format = Self.format(of: bytes, fileName: fileName)
        if format == "vcard" && entity != "contact" {
            throw RapportError.invalid("file", "vcard_holds_people", "a vCard file holds people: import it as contacts")
        }
        let rows = try Self.read(bytes, format: format)
        guard let header = rows.first, header.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            throw RapportError.invalid("file", "no_header", "the first row must name the columns")
        }
        guard rows.count > 1 else { throw RapportError.invalid("file", "no_rows", "the file has no rows below its header") }
        let stored = try env.files.write(bytes)
        let now = env.clock.now()
        let draft = ClientImport(entity: entity, fileName: Attachment.cleanName(fileName) ?? "import.csv",
                                 storageName: stored.storageName, format: format, columns: header, totalRows: rows.count - 1,
                                 createdBy: principal.userID, createdAt: now, updatedAt: now)
        do {
            return try await env.database.transaction { db in
                var draft = draft
                let definitions = try await CustomValueChecks.definitions(Self.customEntity(entity), on: db)
                draft.mapping = try await self.imports.rememberedMapping(user: principal.userID, entity: entity,
                                                                         columnsKey: draft.columnsKey, on: db)
                    ?? Self.guess(header, entity: entity, definitions: definitions)
                draft.id = try await self.imports.insert(draft, on: db)
                return draft
            }
        } catch {
            env.files.remove([stored.storageName])
            throw error
        }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> ClientImport {
        try await env.database.read { db in try await self.owned(id, principal, db) }
    }

    public func list(by principal: Principal) async throws -> [ClientImport] {
        try await env.database.read { db in try await self.imports.list(createdBy: principal.userID, limit: 50, on: db) }
    }

    /// Sets the column mapping and the duplicate policy of a draft, and remembers the mapping.
    public func configure(_ id: Int64, mapping: [Int: String]?, policy: String?, by principal: Principal) async throws
        -> ClientImport
    {
        try await env.database.transaction { db in
            var item = try await self.owned(id, principal, db)
            guard item.state == .draft else {
                throw RapportError.conflict("the import has started; its mapping can no longer change")
            }
            var v = Validator()
            if let policy {
                if let value = ClientImport.DuplicatePolicy(rawValue: policy) { item.duplicatePolicy = value } else {
                    v.add("duplicate_policy", "invalid", "duplicate_policy must be skip, update or create")
                }
            }
            if let mapping {
                let definitions = try await CustomValueChecks.definitions(Self.customEntity(item.entity), on: db)
                let known = Set(ImportTargets.builtIn(item.entity) + definitions.map { "cf.\($0.code)" })
                var seen: [String: Int] = [:]
                for (column, target) in mapping.sorted(by: { $0.key < $1.key }) {
                    if !(0..<item.columns.count).contains(column) {
                        v.add("mapping.\(column)", "invalid", "the file has no column \(column)")
                    } else if !known.contains(target) {
                        v.add("mapping.\(column)", "invalid", "\(target) is not a field of a \(item.entity)")
                    } else if let other = seen[target] {
                        v.add("mapping.\(column)", "duplicate", "\(target) is already filled from column \(other)")
                    }
                    seen[target] = column
                }
                item.mapping = mapping
            }
            try v.throwIfInvalid()
            item.updatedAt = self.env.clock.now()
            try await self.imports.save(item, on: db)
            try await self.imports.remember(mapping: item.mapping, user: principal.userID, entity: item.entity,
                                            columnsKey: item.columnsKey, at: item.updatedAt, on: db)
            return item
        }
    }

    /// Queues the import; the name field must be mapped.
    public func start(_ id: Int64, by principal: Principal) async throws -> ClientImport {
        try await env.database.transaction { db in
            var item = try await self.owned(id, principal, db)
            guard item.state == .draft else { throw RapportError.conflict("the import has already started") }
            let targets = Set(item.mapping.values)
            let named = switch item.entity {
            case "company": targets.contains("short_name")
            case "lead": !targets.isDisjoint(with: ["title", "first_name", "last_name", "full_name", "phones", "emails", "company_name"])
            case "deal": targets.contains("title")
            default: !targets.isDisjoint(with: ["first_name", "full_name"])
            }
            guard named else {
                let message = switch item.entity {
                case "company": "map a column to short_name"
                case "lead": "map a column to title, a name, phones, emails or company_name"
                case "deal": "map a column to title"
                default: "map a column to first_name or full_name"
                }
                throw RapportError.invalid("mapping", "name_missing", message)
            }
            item.state = .queued
            item.updatedAt = self.env.clock.now()
            item.jobID = try await JobQueue.enqueue(kind: Self.jobKind, payload: "{\"import_id\":\(item.id)}", by: principal.userID,
                                                    clock: self.env.clock, on: db)
            try await self.imports.save(item, on: db)
            return item
        }
    }

    // MARK: preview and report

    /// What importing the first rows would do, found by really doing it and rolling back.
    public struct PreviewRow: Sendable {
        public var row: Int
        public var cells: [String]
        public var outcome: ClientImport.Outcome
        public var reason: String
    }

    struct Rollback: Error {
        var rows: [PreviewRow]
    }

    public func preview(_ id: Int64, by principal: Principal) async throws -> [PreviewRow] {
        let item = try await get(id, by: principal)
        let rows = try readFile(item)
        do {
            _ = try await env.database.transaction { db -> Int in
                let context = try await self.context(item, principal: principal, db)
                var results: [PreviewRow] = []
                // Held back like the import's, so the preview finds what the import will; never written.
                try await PendingWrites.$current.withValue(PendingWrites()) {
                    for index in 1..<min(rows.count, Self.previewRows + 1) {
                        let result = try await self.importRow(rows[index], item, context, db)
                        results.append(PreviewRow(row: index, cells: rows[index], outcome: result.outcome, reason: result.reason))
                    }
                }
                throw Rollback(rows: results)
            }
            return []
        } catch let rollback as Rollback {
            return rollback.rows
        }
    }

    /// The rows that were not simply created — skipped or rejected, with why — as CSV with the
    /// file's own columns after the row number, outcome and reason.
    public func report(_ id: Int64, by principal: Principal) async throws -> String {
        let item = try await get(id, by: principal)
        let outcomes = try await env.database.read { db in try await self.imports.rows(importID: id, on: db) }
        let rows = try readFile(item)
        var csv = CSVWriter()
        // `line` is the row's line in the file, as a spreadsheet numbers it (the header is line 1).
        csv.row(["line", "outcome", "reason", "record_id"] + item.columns)
        for entry in outcomes {
            let original = entry.row < rows.count ? rows[entry.row] : []
            csv.row([String(entry.row + 1), entry.outcome.rawValue, entry.reason, entry.recordID.map(String.init) ?? ""] + original)
        }
        return csv.text
    }

    // MARK: the job

    /// Runs (or, after a restart, resumes) the import named in the job.
    public func run(_ job: Job) async throws {
        // A batch of 200 rows with their duplicate checks may take longer than a request may.
        try await Database.allowingLongOperations { try await self.importRows(job) }
    }

    func importRows(_ job: Job) async throws {
        guard let importID = Self.importID(of: job) else { throw PermanentJobFailure("the job does not name an import") }
        guard var item = try await env.database.read({ db in try await self.imports.find(id: importID, on: db) }) else {
            throw PermanentJobFailure("import \(importID) does not exist")
        }
        if item.state == .done || item.state == .failed { return }
        let principal: Principal
        do {
            principal = try await AuthService(env: env).consolePrincipal(userID: item.createdBy)
        } catch {
            try await finish(&item, error: "the user who started the import can no longer sign in")
            throw PermanentJobFailure("the import's user is unavailable")
        }
        let rows: [[String]]
        do {
            rows = try readFile(item)
        } catch {
            try await finish(&item, error: "the file can no longer be read: \(error)")
            throw PermanentJobFailure("the import's file is unreadable")
        }
        item.state = .running
        item.updatedAt = env.clock.now()
        try await env.database.transaction { [item] db in try await self.imports.save(item, on: db) }
        var done = item.processed
        while done < item.totalRows {
            try Task.checkCancellation()
            let end = min(done + batchSize, item.totalRows)
            try await env.database.transaction { [item, done] db in
                let context = try await self.context(item, principal: principal, db)
                var counts: [ClientImport.Outcome: Int] = [:]
                // Full-text rows and events are written once per batch (see `PendingWrites`).
                let pending = PendingWrites()
                try await PendingWrites.$current.withValue(pending) {
                    try await BatchMemo.$current.withValue(BatchMemo()) {
                        let results = try await self.importBatch((done + 1)...end, of: rows, item, context, db)
                        for (index, result) in results.sorted(by: { $0.key < $1.key }) {
                            counts[result.outcome, default: 0] += 1
                            if result.outcome == .skipped || result.outcome == .rejected {
                                try await self.imports.addRow(importID: item.id, row: index, outcome: result.outcome,
                                                              reason: result.reason, recordID: result.recordID, on: db)
                            }
                        }
                    }
                }
                try await pending.flush(on: db)
                try await self.imports.advance(id: item.id, processed: end, created: counts[.created] ?? 0,
                                               updated: counts[.updated] ?? 0, skipped: counts[.skipped] ?? 0,
                                               rejected: counts[.rejected] ?? 0, at: self.env.clock.now(), on: db)
            }
            done = end
            try await afterBatch?(done)
        }
        try await finish(&item, error: nil)
    }

    /// The import a job is about; nil for a payload that names none.
    static func importID(of job: Job) -> Int64? {
        struct Payload: Decodable { var importID: Int64; enum CodingKeys: String, CodingKey { case importID = "import_id" } }
        // A payload that does not decode names no import: the caller says so.
        return try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)).importID
    }

    /// The job failed for good: the import says so, with the reason, and keeps what it wrote.
    public func gaveUp(on job: Job, error: any Error) async throws {
        guard let importID = Self.importID(of: job),
              var item = try await env.database.read({ db in try await self.imports.find(id: importID, on: db) }),
              item.state != .done, item.state != .failed
        else { return }
        try await finish(&item, error: "stopped after \(job.attempts) attempts: \(error)")
    }

    func finish(_ item: inout ClientImport, error: String?) async throws {
        item.state = error == nil ? .done : .failed
        item.error = error
        item.updatedAt = env.clock.now()
        try await env.database.transaction { [item] db in try await self.imports.save(item, on: db) }
        if error == nil { try await env.database.refreshStatistics() }
    }

    // MARK: rows

    struct Context {
        var reader: ImportRowReader
        var principal: Principal
    }

    func context(_ item: ClientImport, principal: Principal, _ db: any SQLDatabase) async throws -> Context {
        var users: [String: Int64] = [:]
        for user in try await UserStore().list(UserQuery(), scope: .all, subject: principal.subject,
                                               page: PageRequest(limit: PageRequest.maxLimit), on: db).items
        where user.isActive {
            users[user.email.lowercased()] = user.id
            users["\(user.firstName) \(user.lastName)".lowercased()] = user.id
            users["\(user.lastName) \(user.firstName)".lowercased()] = user.id
        }
        let scope = principal.scope(.company, .read)
        var pipelines: [Pipeline] = []
        if let entity = PipelineEntity(rawValue: item.entity) { pipelines = try await PipelineStore().list(entity: entity, on: db) }
        let contactScope = principal.scope(.contact, .read)
        let reader = ImportRowReader(
            entity: item.entity, mapping: item.mapping, users: users, places: ImportRowReader.Places(pipelines),
            companyByINN: { inn in
                try await CompanyStore().list(ClientQuery(search: inn), scope: scope, subject: principal.subject,
                                              page: .init(limit: 1), on: db).items.first { $0.inn == inn }?.id
            },
            companyByName: { name in
                let key = NameMatch.key(name)
                return try await CompanyStore().list(ClientQuery(search: name), scope: scope, subject: principal.subject,
                                                     page: .init(limit: 20), on: db).items
                    .first { NameMatch.key($0.shortName) == key }?.id
            },
            contactByText: { text in
                // By an e-mail or phone of theirs (one the importer may see), else by name.
                if let (kind, value) = ImportRowReader.channel(text) {
                    for id in try await ChannelStore().owners(entity: "contact", kind: kind, normalized: value, on: db) {
                        if let owner = try await ContactStore().ownership(id: id, on: db),
                           AccessPolicy.allows(principal.subject, .read, .contact, record: owner) { return id }
                    }
                    return nil
                }
                return try await ContactStore().list(ClientQuery(search: text), scope: contactScope, subject: principal.subject,
                                                     page: .init(limit: 20), on: db).items
                    .first { ImportRowReader.contact($0, isNamedBy: text) }?.id
            })
        return Context(reader: reader, principal: principal)
    }

    /// One row in its own savepoint: created, updated, skipped or rejected with the reason.
    func importRow(_ row: [String], _ item: ClientImport, _ context: Context, _ db: any SQLDatabase) async throws
        -> RowResult
    {
        let mark = PendingWrites.current?.mark()
        try await db.raw("SAVEPOINT import_row").run()
        do {
            let result = try await write(row, item, context, db)
            try await db.raw("RELEASE SAVEPOINT import_row").run()
            return result
        } catch let error as RapportError {
            try await db.raw("ROLLBACK TO SAVEPOINT import_row").run()
            try await db.raw("RELEASE SAVEPOINT import_row").run()
            if let mark { PendingWrites.current?.restore(mark) }
            return try Self.result(of: error)
        }
    }

    func write(_ row: [String], _ item: ClientImport, _ context: Context, _ db: any SQLDatabase) async throws -> RowResult {
        let principal = context.principal
        let cells = context.reader.cells(row)
        var v = Validator()
        if item.entity == "lead" {
            // A lead put straight into a later stage meets that stage's gate like any move.
            let input = context.reader.lead(cells, into: &v)
            try v.throwIfInvalid()
            let lead = try await LeadService(env: env).create(input, by: principal, on: db)
            return (.created, "", lead.id)
        }
        if item.entity == "deal" {
            // As for leads: a deal put into a later stage meets that stage's gate.
            let input = try await context.reader.deal(cells, into: &v)
            try v.throwIfInvalid()
            let deal = try await DealService(env: env).create(input, by: principal, on: db)
            return (.created, "", deal.id)
        }
        if item.entity == "company" {
            let input = try context.reader.company(cells, into: &v)
            try v.throwIfInvalid()
            do {
                let company = try await companies.create(input, allowDuplicates: item.duplicatePolicy == .create,
                                                         by: principal, on: db)
                return (.created, "", company.id)
            } catch RapportError.possibleDuplicates(let candidates) where item.duplicatePolicy == .update {
                let target = candidates[0].id
                var change = input
                let existing = try await CompanyStore().find(id: target, on: db)
                if let channels = input.channels { change.channels = MergeService.united(existing?.channels ?? [], channels) }
                if let addresses = input.addresses {
                    let kinds = Set(addresses.map(\.kind))
                    change.addresses = (existing?.addresses ?? []).filter { !kinds.contains($0.kind) } + addresses
                }
                // The row was matched to this client on purpose: filling it is not a new duplicate.
                _ = try await companies.update(target, change, expectedVersion: nil, allowDuplicates: true, by: principal, on: db)
                return (.updated, "", target)
            }
        }
        let input = try await context.reader.contact(cells, into: &v)
        try v.throwIfInvalid()
        do {
            let card = try await contacts.create(input, allowDuplicates: item.duplicatePolicy == .create, by: principal, on: db)
            return (.created, "", card.contact.id)
        } catch RapportError.possibleDuplicates(let candidates) where item.duplicatePolicy == .update {
            let target = candidates[0].id
            var change = input
            let existing = try await ContactStore().find(id: target, on: db)
            if let channels = input.channels { change.channels = MergeService.united(existing?.channels ?? [], channels) }
            if let links = input.companies {
                let current = try await ContactStore().links(contactID: target, on: db)
                    .map { ContactInput.LinkInput(companyID: $0.companyID, role: $0.role) }
                change.companies = current.filter { old in !links.contains { $0.companyID == old.companyID } } + links
            }
            // The row was matched to this person on purpose: filling it is not a new duplicate.
            _ = try await contacts.update(target, change, expectedVersion: nil, allowDuplicates: true, by: principal, on: db)
            return (.updated, "", target)
        }
    }

    // MARK: helpers

    func owned(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> ClientImport {
        guard let item = try await imports.find(id: id, on: db), item.createdBy == principal.userID else {
            throw RapportError.notFound(entity: "import")
        }
        return item
    }

    func readFile(_ item: ClientImport) throws -> [[String]] {
        guard let path = env.files.path(item.storageName), let data = FileManager.default.contents(atPath: path) else {
            throw RapportError.unavailable("the import's file is missing from the file store")
        }
        return try Self.read(data, format: item.format)
    }

    /// What a file is, by its first bytes, else by its name: `xlsx`, `vcard` or `csv`.
    static func format(of data: Data, fileName: String) -> String {
        let name = fileName.lowercased()
        if XLSXFile.looksLikeZIP(data) || name.hasSuffix(".xlsx") || name.hasSuffix(".xls") { return "xlsx" }
        if VCardReader.looksLikeVCard(data) || name.hasSuffix(".vcf") || name.hasSuffix(".vcard") { return "vcard" }
        return "csv"
    }

    /// The file as rows of text, the first being the header.
    static func read(_ data: Data, format: String) throws -> [[String]] {
        do {
            switch format {
            case "xlsx": return try XLSXFile.rows(data)
            case "vcard": return try VCardReader.table(data)
            default: return try CSVReader.rows(data)
            }
        } catch let failure as CSVReader.Failure {
            throw RapportError.invalid("file", "unreadable", "the file cannot be read as CSV: \(failure.description)")
        } catch let failure as VCardReader.Failure {
            throw RapportError.invalid("file", "unreadable", "the file cannot be read as vCard: \(failure.description)")
        }
    }

    static func customEntity(_ entity: String) -> CustomFieldEntity {
        switch entity {
        case "company": .company
        case "lead": .lead
        case "deal": .deal
        default: .contact
        }
    }

    static func guess(_ header: [String], entity: String, definitions: [CustomFieldDefinition]) -> [Int: String] {
        var mapping: [Int: String] = [:]
        var used = Set<String>()
        let custom = definitions.map { (code: $0.code, label: $0.label) }
        for (index, name) in header.enumerated() {
            if let target = ImportTargets.guess(name, entity: entity, custom: custom), used.insert(target).inserted {
                mapping[index] = target
            }
        }
        return mapping
    }
}
