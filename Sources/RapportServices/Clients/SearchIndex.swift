import RapportDomain
import RapportStore
import SQLKit

/// Keeps the full-text and similar-name indexes in step with the records, inside the same transaction.
enum SearchIndex {
    /// `fresh`: the record was just created, so no old entry needs removing.
    static func company(_ c: Company, fresh: Bool = false, on db: any SQLDatabase) async throws {
        let others = c.channels.filter { $0.kind != .phone }.map { $0.normalized ?? $0.value }
        let body = SearchText.body([c.shortName, c.fullName, c.inn, c.kpp, c.foreignTaxID, c.region] + others,
                                   phones: c.channels.filter { $0.kind == .phone }.map { $0.normalized ?? $0.value })
        try await SearchStore().index(entity: "company", id: c.id, body: body, fresh: fresh, on: db)
        try await SimilarNameStore().index(entity: "company", id: c.id, matchKey: CompanyStore.matchKey(c),
                                           nameKey: CompanyStore.nameKey(c), fresh: fresh, on: db)
    }

    static func contact(_ c: Contact, fresh: Bool = false, on db: any SQLDatabase) async throws {
        let others = c.channels.filter { $0.kind != .phone }.map { $0.normalized ?? $0.value }
        let body = SearchText.body([c.lastName, c.firstName, c.middleName, c.position, c.region] + others,
                                   phones: c.channels.filter { $0.kind == .phone }.map { $0.normalized ?? $0.value })
        try await SearchStore().index(entity: "contact", id: c.id, body: body, fresh: fresh, on: db)
        try await SimilarNameStore().index(entity: "contact", id: c.id, matchKey: ContactStore.matchKey(c),
                                           nameKey: ContactStore.nameKey(c), fresh: fresh, on: db)
    }

    static func remove(_ entity: String, _ id: Int64, on db: any SQLDatabase) async throws {
        try await SearchStore().remove(entity: entity, id: id, on: db)
        try await SimilarNameStore().remove(entity: entity, id: id, on: db)
    }
}
