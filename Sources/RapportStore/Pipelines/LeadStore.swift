import Foundation
import RapportDomain
import SQLKit

/// The table of leads.
public struct LeadStore: Sendable {
    public init() {}

    static let columns = """
        leads.id, leads.title, leads.first_name, leads.middle_name, leads.last_name, leads.channels, leads.company_name,
        leads.source, leads.campaign, leads.utm, leads.topic, leads.client_type, leads.object_address, leads.region, leads.language, leads.referrer, leads.amount, leads.preliminary_amount,
        leads.currency, leads.comments, leads.owner_id, leads.pipeline_id, leads.stage_id, leads.stage_visit_id,
        leads.stage_entered_at, leads.close_reason_id, leads.closed_at, leads.contact_id, leads.company_id, leads.deal_id,
        leads.converted_at, leads.custom, leads.created_by, leads.created_at, leads.updated_at, leads.version
        """

    /// Inserts the lead; its phones and e-mails join the channel index (a call or a message
    /// finds its lead by them).
    public func insert(_ l: Lead, on db: any SQLDatabase) async throws -> Int64 {
        let id = try await db.raw("""
            INSERT INTO leads (title, first_name, middle_name, last_name, channels, company_name, source, campaign, utm,
                topic, client_type, object_address, region, language, referrer, amount, preliminary_amount, currency, comments, owner_id, pipeline_id, stage_id,
                stage_visit_id, stage_entered_at, close_reason_id, closed_at, custom, created_by, created_at, updated_at, version,
                search_key)
            VALUES (\(bind: l.title), \(bind: l.firstName), \(bind: l.middleName), \(bind: l.lastName),
                \(bind: JSONText.encode(l.channels)), \(bind: l.companyName), \(bind: l.source), \(bind: l.campaign),
                \(bind: JSONText.encode(l.utm)), \(bind: l.topic), \(bind: l.clientType), \(bind: l.objectAddress),
                \(bind: l.region), \(bind: l.language), \(bind: l.referrer), \(bind: l.amount), \(bind: l.preliminaryAmount), \(bind: l.currency), \(bind: l.comments), \(bind: l.ownerID), \(bind: l.place.pipelineID),
                \(bind: l.place.stageID), \(bind: l.place.visitID), \(bind: l.place.enteredAt.millis),
                \(bind: l.place.closeReasonID), \(bind: l.place.closedAt?.millis), \(CustomFieldSQL.bind(l.custom, on: db)),
                \(bind: l.createdBy), \(bind: l.createdAt.millis), \(bind: l.updatedAt.millis), 1, \(bind: l.searchKey))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        try await ChannelStore().insert(l.channels, entity: "lead", id: id, on: db)
        return id
    }

    /// Saves the lead's fields (not its place: `StagePlaceStore.move`) when its version is
    /// still `expectedVersion`; the new version or nil.
    public func update(_ l: Lead, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        let version = try await db.raw("""
            UPDATE leads SET title = \(bind: l.title), first_name = \(bind: l.firstName), middle_name = \(bind: l.middleName),
                last_name = \(bind: l.lastName), channels = \(bind: JSONText.encode(l.channels)),
                company_name = \(bind: l.companyName), source = \(bind: l.source), campaign = \(bind: l.campaign),
                utm = \(bind: JSONText.encode(l.utm)), topic = \(bind: l.topic), client_type = \(bind: l.clientType),
                object_address = \(bind: l.objectAddress), region = \(bind: l.region), language = \(bind: l.language),
                referrer = \(bind: l.referrer),
                amount = \(bind: l.amount), preliminary_amount = \(bind: l.preliminaryAmount), currency = \(bind: l.currency),
                comments = \(bind: l.comments), owner_id = \(bind: l.ownerID), custom = \(CustomFieldSQL.bind(l.custom, on: db)),
                contact_id = \(bind: l.conversion?.contactID), company_id = \(bind: l.conversion?.companyID),
                deal_id = \(bind: l.conversion?.dealID), converted_at = \(bind: l.conversion?.at.millis),
                updated_at = \(bind: l.updatedAt.millis), search_key = \(bind: l.searchKey), version = version + 1
            WHERE id = \(bind: l.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
        if version != nil { try await ChannelStore().replace(l.channels, entity: "lead", id: l.id, on: db) }
        return version
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Lead? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM leads WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// The lead with whose it is (its responsible and their department) in one statement.
    public func findOwned(id: Int64, on db: any SQLDatabase) async throws -> (Lead, RecordOwnership)? {
        guard let row = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns), users.department_id AS owner_department_id
            FROM leads LEFT JOIN users ON users.id = leads.owner_id WHERE leads.id = \(bind: id)
            """).first()
        else { return nil }
        let record = try Self.decode(row)
        return (record, RecordOwnership(ownerID: record.ownerID,
                                        ownerDepartmentID: try row.decode(column: "owner_department_id", as: Int64?.self)))
    }

    public func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Lead] {
        guard !ids.isEmpty else { return [] }
        return try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM leads WHERE id IN (\(binds: ids)) ORDER BY id DESC")
            .all().map(Self.decode)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM line_items WHERE entity = 'lead' AND record_id = \(bind: id)").run()
        try await db.raw("DELETE FROM stage_visits WHERE entity = 'lead' AND record_id = \(bind: id)").run()
        try await ChannelStore().delete(entity: "lead", id: id, on: db)
        try await db.raw("DELETE FROM leads WHERE id = \(bind: id)").run()
    }

    static func decode(_ row: any SQLRow) throws -> Lead {
        var lead = Lead(id: try row.decode(column: "id", as: Int64.self), title: try row.decode(column: "title", as: String.self),
                        ownerID: try row.decode(column: "owner_id", as: Int64.self),
                        currency: try row.decode(column: "currency", as: String.self), place: try StagePlaceStore.decode(row),
                        createdBy: try row.decode(column: "created_by", as: Int64?.self),
                        createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                        updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                        version: try row.decode(column: "version", as: Int64.self))
        lead.firstName = try row.decode(column: "first_name", as: String?.self)
        lead.middleName = try row.decode(column: "middle_name", as: String?.self)
        lead.lastName = try row.decode(column: "last_name", as: String?.self)
        let channels = try row.decode(column: "channels", as: String.self)
        lead.channels = channels == "[]" ? [] : try JSONText.decode([ContactChannel].self, channels)
        lead.companyName = try row.decode(column: "company_name", as: String?.self)
        lead.source = try row.decode(column: "source", as: String?.self)
        lead.campaign = try row.decode(column: "campaign", as: String?.self)
        let utm = try row.decode(column: "utm", as: String.self)
        lead.utm = utm == "{}" ? Lead.UTM() : try JSONText.decode(Lead.UTM.self, utm)
        lead.topic = try row.decode(column: "topic", as: String?.self)
        lead.clientType = try row.decode(column: "client_type", as: String?.self)
        lead.objectAddress = try row.decode(column: "object_address", as: String?.self)
        lead.region = try row.decode(column: "region", as: String?.self)
        lead.language = try row.decode(column: "language", as: String?.self)
        lead.referrer = try row.decode(column: "referrer", as: String?.self)
        lead.amount = try row.decode(column: "amount", as: Int64?.self)
        lead.preliminaryAmount = try row.decode(column: "preliminary_amount", as: Int64?.self)
        lead.comments = try row.decode(column: "comments", as: String?.self)
        if let at = try row.decode(column: "converted_at", as: Int64?.self) {
            lead.conversion = Lead.Conversion(contactID: try row.decode(column: "contact_id", as: Int64?.self),
                                              companyID: try row.decode(column: "company_id", as: Int64?.self),
                                              dealID: try row.decode(column: "deal_id", as: Int64?.self), at: Date(millis: at))
        }
        lead.custom = try ClientListing.decodeCustom(row)
        return lead
    }
}
