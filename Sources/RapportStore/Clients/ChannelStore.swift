import RapportDomain
import SQLKit

/// The phones, e-mails, messengers and sites of companies, contacts and leads, one row each, so a
/// normalised phone or e-mail finds its owner (duplicates, an incoming call).
public struct ChannelStore: Sendable {
    public init() {}

    /// Replaces the channels of one record.
    public func replace(_ channels: [ContactChannel], entity: String, id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM client_channels WHERE entity = \(bind: entity) AND entity_id = \(bind: id)").run()
        try await insert(channels, entity: entity, id: id, on: db)
    }

    /// The channels of a new record, in one statement.
    public func insert(_ channels: [ContactChannel], entity: String, id: Int64, on db: any SQLDatabase) async throws {
        try await insert([(id, channels)], entity: entity, on: db)
    }

    /// The channels of new records, a few hundred rows per statement.
    public func insert(_ records: [(id: Int64, channels: [ContactChannel])], entity: String,
                       on db: any SQLDatabase) async throws {
        try await BulkInsert(table: "client_channels", columns: [
            "entity", "entity_id", "position", "kind", "type", "value", "normalized",
        ]).run(records.flatMap { record in
            record.channels.enumerated().map { position, channel -> [any Encodable & Sendable] in
                [entity, record.id, position, channel.kind.rawValue, channel.type, channel.value, channel.normalized]
            }
        }, on: db)
    }

    /// The channels of many records of one entity, by record id, in their order.
    public func channels(entity: String, ids: [Int64], on db: any SQLDatabase) async throws -> [Int64: [ContactChannel]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.raw("""
            SELECT entity_id, kind, type, value, normalized FROM client_channels
            WHERE entity = \(bind: entity) AND entity_id IN (\(binds: ids)) ORDER BY entity_id, position
            """).all()
        var out: [Int64: [ContactChannel]] = [:]
        for row in rows {
            let id = try row.decode(column: "entity_id", as: Int64.self)
            out[id, default: []].append(ContactChannel(
                kind: ChannelKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .phone,
                type: try row.decode(column: "type", as: String?.self),
                value: try row.decode(column: "value", as: String.self),
                normalized: try row.decode(column: "normalized", as: String?.self)))
        }
        return out
    }

    /// The records of `entity` with the phone or e-mail (in its normalised form), oldest first.
    public func owners(entity: String, kind: ChannelKind, normalized: String, on db: any SQLDatabase) async throws -> [Int64] {
        try await db.raw("""
            SELECT DISTINCT entity_id FROM client_channels
            WHERE entity = \(bind: entity) AND kind = \(bind: kind.rawValue) AND normalized = \(bind: normalized)
            ORDER BY entity_id
            """).all().map { try $0.decode(column: "entity_id", as: Int64.self) }
    }

    /// Up to `limit` normalised phones of clients (the first ones stored).
    public func phones(limit: Int, on db: any SQLDatabase) async throws -> [String] {
        try await db.raw("""
            SELECT normalized FROM client_channels WHERE kind = 'phone' AND normalized IS NOT NULL ORDER BY id LIMIT \(literal: limit)
            """).all().map { try $0.decode(column: "normalized", as: String.self) }
    }

    public func delete(entity: String, id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM client_channels WHERE entity = \(bind: entity) AND entity_id = \(bind: id)").run()
    }
}
