import Foundation
import RapportDomain
import SQLKit

/// The line items of leads and deals, in their order.
public struct LineItemStore: Sendable {
    public init() {}

    public func items(_ entity: PipelineEntity, recordID: Int64, on db: any SQLDatabase) async throws -> [LineItem] {
        try await db.raw("""
            SELECT name, quantity, unit, price, discount_percent, tax_percent, tax_included FROM line_items
            WHERE entity = \(bind: entity.rawValue) AND record_id = \(bind: recordID) ORDER BY position
            """).all().map { row in
            LineItem(name: try row.decode(column: "name", as: String.self),
                     quantity: Decimal(string: try row.decode(column: "quantity", as: String.self)) ?? 1,
                     unit: try row.decode(column: "unit", as: String?.self), price: try row.decode(column: "price", as: Int64.self),
                     discountPercent: try row.decode(column: "discount_percent", as: String?.self).flatMap { Decimal(string: $0) },
                     taxPercent: try row.decode(column: "tax_percent", as: String?.self).flatMap { Decimal(string: $0) },
                     taxIncluded: try row.decode(column: "tax_included", as: Bool.self))
        }
    }

    public func count(_ entity: PipelineEntity, recordID: Int64, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("""
            SELECT COUNT(*) AS n FROM line_items WHERE entity = \(bind: entity.rawValue) AND record_id = \(bind: recordID)
            """).first()!.decode(column: "n", as: Int.self)
    }

    public func replace(_ entity: PipelineEntity, recordID: Int64, with items: [LineItem], on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM line_items WHERE entity = \(bind: entity.rawValue) AND record_id = \(bind: recordID)").run()
        for (position, item) in items.enumerated() {
            try await db.raw("""
                INSERT INTO line_items (entity, record_id, position, name, quantity, unit, price, discount_percent, tax_percent,
                    tax_included, total)
                VALUES (\(bind: entity.rawValue), \(bind: recordID), \(bind: position), \(bind: item.name),
                    \(bind: "\(item.quantity)"), \(bind: item.unit), \(bind: item.price),
                    \(bind: item.discountPercent.map { "\($0)" }), \(bind: item.taxPercent.map { "\($0)" }),
                    \(bind: item.taxIncluded), \(bind: LineAmounts.of(item).total))
                """).run()
        }
    }

    /// Hands a lead's lines to the deal made from it (copied: the lead keeps its own).
    public func copy(from: PipelineEntity, _ fromID: Int64, to: PipelineEntity, _ toID: Int64, on db: any SQLDatabase) async throws {
        try await replace(to, recordID: toID, with: try await items(from, recordID: fromID, on: db), on: db)
    }
}
