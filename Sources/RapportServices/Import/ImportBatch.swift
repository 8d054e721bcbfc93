import RapportDomain
import RapportStore
import SQLKit

/// A batch of import rows the quick way, with the outcome each row would have had one by
/// one (`importRow`): every row is read and checked first (reads only), the batch's likely
/// duplicates are found together (`DuplicateStore.find` for many probes), and the new
/// records are written together (a few multi-row statements) in a single savepoint.
///
/// Rows that look like another row of the same batch (`DuplicateStore.entangled`), and rows
/// that update the record they match, go one by one after the others, in file order, as
/// they would have; so does the whole batch when writing it fails (a row's companies that
/// can no longer be linked, a constraint), after its savepoint is rolled back.
extension ImportService {
    typealias RowResult = (outcome: ClientImport.Outcome, reason: String, recordID: Int64?)

    /// A row read and checked, waiting to be written.
    enum Prepared {
        case company(CompanyService.NewCompany)
        case contact(ContactService.NewContact, links: [ContactInput.LinkInput])

        var probe: DuplicateStore.Probe {
            switch self {
            case .company(let new): DuplicateCheck.probe(new.record)
            case .contact(let new, _): DuplicateCheck.probe(new.record)
            }
        }
    }

    /// The outcome of each row in `indices`, by row index.
    func importBatch(_ indices: ClosedRange<Int>, of rows: [[String]], _ item: ClientImport, _ context: Context,
                     _ db: any SQLDatabase) async throws -> [Int: RowResult] {
        var results: [Int: RowResult] = [:]
        if item.entity == "lead" || item.entity == "deal" {
            // Leads and deals have no duplicate control of their own: each row on its own, in its savepoint.
            for index in indices { results[index] = try await importRow(rows[index], item, context, db) }
            return results
        }
        var prepared: [(index: Int, row: Prepared)] = []
        for index in indices {
            do {
                prepared.append((index, try await prepare(rows[index], item, context, db)))
            } catch let error as RapportError {
                results[index] = try Self.result(of: error)
            }
        }
        var oneByOne: [Int] = []
        if item.duplicatePolicy != .create {
            let probes = prepared.map(\.row.probe)
            let entangled = DuplicateStore.entangled(probes)
            let entity: PermissionEntity = item.entity == "company" ? .company : .contact
            let clear = prepared.indices.filter { !entangled.contains($0) }
            let matches = try await DuplicateCheck.matches(clear.map { probes[$0] }, entity: entity,
                                                           principal: context.principal, on: db)
            var kept: [(index: Int, row: Prepared)] = []
            for (position, found) in zip(clear, matches) {
                let index = prepared[position].index
                if found.isEmpty {
                    kept.append(prepared[position])
                } else if item.duplicatePolicy == .skip {
                    results[index] = Self.skipped(found)
                } else {
                    oneByOne.append(index)
                }
            }
            oneByOne += entangled.map { prepared[$0].index }
            prepared = kept
        }
        let mark = PendingWrites.current?.mark()
        try await db.raw("SAVEPOINT import_batch").run()
        do {
            let ids = try await insert(prepared.map(\.row), context, db)
            try await db.raw("RELEASE SAVEPOINT import_batch").run()
            for ((index, _), id) in zip(prepared, ids) { results[index] = (.created, "", id) }
        } catch is RapportError {
            try await db.raw("ROLLBACK TO SAVEPOINT import_batch").run()
            try await db.raw("RELEASE SAVEPOINT import_batch").run()
            if let mark { PendingWrites.current?.restore(mark) }
            oneByOne += prepared.map(\.index)
        }
        for index in oneByOne.sorted() { results[index] = try await importRow(rows[index], item, context, db) }
        return results
    }

    /// The row read through the mapping and checked as the service would before saving it.
    func prepare(_ row: [String], _ item: ClientImport, _ context: Context, _ db: any SQLDatabase) async throws -> Prepared {
        let cells = context.reader.cells(row)
        var v = Validator()
        if item.entity == "company" {
            let input = try context.reader.company(cells, into: &v)
            try v.throwIfInvalid()
            return .company(try await companies.prepare(input, by: context.principal, on: db))
        }
        let input = try await context.reader.contact(cells, into: &v)
        try v.throwIfInvalid()
        return .contact(try await contacts.prepare(input, by: context.principal, on: db), links: input.companies ?? [])
    }

    /// Writes the rows (all of one entity) together; their ids in order.
    func insert(_ rows: [Prepared], _ context: Context, _ db: any SQLDatabase) async throws -> [Int64] {
        var companies: [CompanyService.NewCompany] = []
        var people: [(new: ContactService.NewContact, links: [ContactInput.LinkInput])] = []
        for row in rows {
            switch row {
            case .company(let new): companies.append(new)
            case .contact(let new, let links): people.append((new, links))
            }
        }
        if !companies.isEmpty { return try await self.companies.insert(companies, by: context.principal, on: db).map(\.id) }
        return try await contacts.insert(people, by: context.principal, on: db).map(\.contact.id)
    }

    /// A row refused by a rule: rejected with the reason. Other errors are the batch's.
    static func result(of error: RapportError) throws -> RowResult {
        switch error {
        case .possibleDuplicates(let candidates): skipped(candidates)
        case .validation(let errors): (.rejected, errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "), nil)
        case .notFound, .forbidden: (.rejected, "\(error)", nil)
        case .moveRefused(let refusal): (.rejected, "the stage refuses the row: " + refusal.descriptions(.en).joined(separator: "; "), nil)
        default: throw error
        }
    }

    static func skipped(_ candidates: [DuplicateCandidate]) -> RowResult {
        (.skipped, "looks like " + candidates.map { "#\($0.id) \($0.name)" }.joined(separator: ", "), candidates.first?.id)
    }
}
