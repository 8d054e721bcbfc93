import Foundation
import RapportDomain
import SQLKit

/// What the company and contact lists share: the sort (a built-in column or a custom
/// field's expression) and the custom-field conditions.
enum ClientListing {
    static func keyset(_ query: ClientQuery, table: String, page: PageRequest, db: any SQLDatabase) -> Keyset {
        let column: Keyset.Column
        if let field = query.customSortField {
            column = CustomFieldSQL.sortColumn(field, table: table, postgres: CustomFieldSQL.isPostgres(db))
        } else {
            column = switch query.sort {
            case .name: .init(sql: "\(table).name_key", numeric: false)
            case .createdAt: .init(sql: "\(table).created_at", numeric: true)
            case .id: .init(sql: "\(table).id", numeric: true)
            }
        }
        return Keyset(column: column, idColumn: "\(table).id", descending: query.descending, page: page)
    }

    static func customConditions(_ query: ClientQuery, table: String, db: any SQLDatabase) -> [SQLQueryString] {
        let postgres = CustomFieldSQL.isPostgres(db)
        return query.customFilters.map { CustomFieldSQL.condition($0, table: table, postgres: postgres) }
    }

    /// The cursor value of a record in the list's order.
    static func sortValue(_ query: ClientQuery, nameKey: String, createdAt: Date, id: Int64, custom: CustomValues) -> String {
        if let field = query.customSortField { return CustomFieldSQL.sortValue(custom, field) }
        return switch query.sort {
        case .name: nameKey
        case .createdAt: String(createdAt.millis)
        case .id: String(id)
        }
    }

    static func decodeCustom(_ row: any SQLRow) throws -> CustomValues {
        let text = try row.decode(column: "custom", as: String.self)
        return text == "{}" ? [:] : try JSONText.decode(CustomValues.self, text)
    }
}
