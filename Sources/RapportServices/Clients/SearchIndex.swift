import RapportDomain
import RapportStore
import SQLKit

/// Keeps the full-text index in step with the records, inside the same transaction.
enum SearchIndex {
    static func company(_ c: Company, on db: any SQLDatabase) async throws {
        let others = c.channels.filter { $0.kind != .phone }.map { $0.normalized ?? $0.value }
        let body = SearchText.body([c.shortName, c.fullName, c.inn, c.kpp, c.foreignTaxID, c.region] + others,
                                   phones: c.channels.filter { $0.kind == .phone }.map { $0.normalized ?? $0.value })
        try await SearchStore().index(entity: "company", id: c.id, body: body, on: db)
    }

    static func contact(_ c: Contact, on db: any SQLDatabase) async throws {
        let others = c.channels.filter { $0.kind != .phone }.map { $0.normalized ?? $0.value }
        let body = SearchText.body([c.lastName, c.firstName, c.middleName, c.position, c.region] + others,
                                   phones: c.channels.filter { $0.kind == .phone }.map { $0.normalized ?? $0.value })
        try await SearchStore().index(entity: "contact", id: c.id, body: body, on: db)
    }

    static func remove(_ entity: String, _ id: Int64, on db: any SQLDatabase) async throws {
        try await SearchStore().remove(entity: entity, id: id, on: db)
    }
}
