import Foundation
import RapportDomain
import SQLKit

/// The table of deals.
public struct DealStore: Sendable {
    public init() {}

    static let columns = """
        deals.id, deals.title, deals.company_id, deals.contact_id, deals.amount, deals.preliminary_amount, deals.currency, deals.close_date,
        deals.probability, deals.owner_id, deals.pipeline_id, deals.stage_id, deals.stage_visit_id, deals.stage_entered_at,
        deals.close_reason_id, deals.closed_at, deals.lead_id, deals.custom, deals.created_by, deals.created_at,
        deals.updated_at, deals.version
        """

    public func insert(_ d: Deal, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO deals (title, company_id, contact_id, amount, preliminary_amount, currency, close_date, probability, owner_id,
                pipeline_id, stage_id, stage_visit_id, stage_entered_at, close_reason_id, closed_at, lead_id, custom,
                created_by, created_at, updated_at, version, search_key)
            VALUES (\(bind: d.title), \(bind: d.companyID), \(bind: d.contactID), \(bind: d.amount), \(bind: d.preliminaryAmount), \(bind: d.currency),
                \(bind: d.closeDate?.description), \(bind: d.probability), \(bind: d.ownerID), \(bind: d.place.pipelineID),
                \(bind: d.place.stageID), \(bind: d.place.visitID), \(bind: d.place.enteredAt.millis),
                \(bind: d.place.closeReasonID), \(bind: d.place.closedAt?.millis), \(bind: d.leadID),
                \(CustomFieldSQL.bind(d.custom, on: db)), \(bind: d.createdBy), \(bind: d.createdAt.millis),
                \(bind: d.updatedAt.millis), 1, \(bind: d.title.lowercased()))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    /// Saves the deal's fields (not its place) when its version is still `expectedVersion`.
    public func update(_ d: Deal, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE deals SET title = \(bind: d.title), company_id = \(bind: d.companyID), contact_id = \(bind: d.contactID),
                amount = \(bind: d.amount), preliminary_amount = \(bind: d.preliminaryAmount), currency = \(bind: d.currency), close_date = \(bind: d.closeDate?.description),
                probability = \(bind: d.probability), owner_id = \(bind: d.ownerID), custom = \(CustomFieldSQL.bind(d.custom, on: db)),
                updated_at = \(bind: d.updatedAt.millis), search_key = \(bind: d.title.lowercased()), version = version + 1
            WHERE id = \(bind: d.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Deal? {
        guard var deal = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM deals WHERE id = \(bind: id)").first()
            .map(Self.decode)
        else { return nil }
        if let contact = deal.contactID {
            deal.clientChannels = try await ChannelStore().channels(entity: "contact", ids: [contact], on: db)[contact] ?? []
        }
        return deal
    }

    /// The deal with whose it is (its responsible and their department) in one statement.
    public func findOwned(id: Int64, on db: any SQLDatabase) async throws -> (Deal, RecordOwnership)? {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns), users.department_id AS owner_department_id
            FROM deals LEFT JOIN users ON users.id = deals.owner_id WHERE deals.id = \(bind: id)
            """).first()
        else { return nil }
        var record = try Self.decode(row)
        if let contact = record.contactID {
            record.clientChannels = try await ChannelStore().channels(entity: "contact", ids: [contact], on: db)[contact] ?? []
        }
        return (record, RecordOwnership(ownerID: record.ownerID,
                                        ownerDepartmentID: try row.decode(column: "owner_department_id", as: Int64?.self)))
    }

    public func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Deal] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM deals WHERE id IN (\(binds: ids)) ORDER BY id DESC")
            .all().map(Self.decode)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM line_items WHERE entity = 'deal' AND record_id = \(bind: id)").run()
        try await db.raw("DELETE FROM stage_visits WHERE entity = 'deal' AND record_id = \(bind: id)").run()
        try await db.raw("UPDATE leads SET deal_id = NULL WHERE deal_id = \(bind: id)").run()
        try await db.raw("DELETE FROM deals WHERE id = \(bind: id)").run()
    }

    static func decode(_ row: any SQLRow) throws -> Deal {
        var deal = Deal(id: try row.decode(column: "id", as: Int64.self), title: try row.decode(column: "title", as: String.self),
                        ownerID: try row.decode(column: "owner_id", as: Int64.self),
                        currency: try row.decode(column: "currency", as: String.self), place: try StagePlaceStore.decode(row),
                        createdBy: try row.decode(column: "created_by", as: Int64?.self),
                        createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                        updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                        version: try row.decode(column: "version", as: Int64.self))
        deal.companyID = try row.decode(column: "company_id", as: Int64?.self)
        deal.contactID = try row.decode(column: "contact_id", as: Int64?.self)
        deal.amount = try row.decode(column: "amount", as: Int64?.self)
        deal.preliminaryAmount = try row.decode(column: "preliminary_amount", as: Int64?.self)
        deal.closeDate = try row.decode(column: "close_date", as: String?.self).flatMap(CalendarDate.init)
        deal.probability = try row.decode(column: "probability", as: Int?.self)
        deal.leadID = try row.decode(column: "lead_id", as: Int64?.self)
        deal.custom = try ClientListing.decodeCustom(row)
        return deal
    }
}
