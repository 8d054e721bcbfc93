import RapportDomain
import SQLKit

/// The SQL for custom values, one expression per field used alike by its index, its
/// filters and its sort, so the database can use the index for each.
///
/// Codes are `[a-z][a-z0-9_]*` (checked when the field is defined), so they are written into
/// the SQL as literals, which an expression index requires.
enum CustomFieldSQL {
    /// How a field's value compares: text (dates too), integers (money, date-times, ids,
    /// yes/no as 0/1) or real numbers.
    enum Ordering {
        case text, integer, real
    }

    static func ordering(_ type: CustomFieldType) -> Ordering {
        switch type {
        case .text, .date, .choice, .multiChoice: .text
        case .number: .real
        case .money, .dateTime, .boolean, .user, .record: .integer
        }
    }

    /// What stands for "no value", so rows without one sort first and keyset cursors work.
    static let missingText = ""
    static let missingInteger: Int64 = -9_000_000_000_000_000_000
    static let missingReal = -1e300

    static func isPostgres(_ db: any SQLDatabase) -> Bool { db.dialect.name != "sqlite" }

    /// `COALESCE(<the value>, <missing>)` for the field `code` in `table.custom`.
    static func expression(_ d: CustomFieldDefinition, table: String, postgres: Bool) -> String {
        let code = d.code
        switch (ordering(d.type), postgres) {
        case (.text, false): return "COALESCE(json_extract(\(table).custom, '$.\(code)'), '')"
        case (.integer, false): return "COALESCE(json_extract(\(table).custom, '$.\(code)'), \(missingInteger))"
        case (.real, false): return "COALESCE(json_extract(\(table).custom, '$.\(code)'), \(missingReal))"
        case (.text, true): return "COALESCE(\(table).custom ->> '\(code)', '')"
        case (.integer, true):
            let cast = d.type == .boolean ? "::boolean::int" : "::bigint"
            return "COALESCE((\(table).custom ->> '\(code)')\(cast), \(missingInteger))"
        case (.real, true): return "COALESCE((\(table).custom ->> '\(code)')::float8, \(missingReal))"
        }
    }

    /// The two indexes a field may have: one for filtering, one for sorting by it.
    enum IndexPurpose: CaseIterable {
        case filter, sort
    }

    static func indexName(_ d: CustomFieldDefinition, _ purpose: IndexPurpose) -> String {
        "custom_\(d.entity.rawValue)_\(d.id)" + (purpose == .sort ? "_sort" : "")
    }

    static func table(_ entity: CustomFieldEntity) -> String {
        switch entity {
        case .company: "companies"
        case .contact: "contacts"
        case .lead: "leads"
        case .deal: "deals"
        }
    }

    /// Whether the field should have the index for `purpose` now.
    static func wants(_ d: CustomFieldDefinition, _ purpose: IndexPurpose, postgres: Bool) -> Bool {
        guard !d.archived else { return false }
        switch purpose {
        case .filter: return d.filterable && (d.type != .multiChoice || postgres)
        case .sort: return d.sortable && d.type.canSort
        }
    }

    /// The index statement for `purpose`. Filtering: `(value, name_key, id)`, so a filtered
    /// list in its usual name order is read from the index in order, with no sort, however
    /// many records match (a GIN index for many-of lists on PostgreSQL; SQLite cannot index
    /// inside arrays). Sorting: `(value, id)`, the keyset order.
    static func createIndex(_ d: CustomFieldDefinition, _ purpose: IndexPurpose, postgres: Bool) -> String {
        let table = table(d.entity)
        if d.type == .multiChoice {
            return "CREATE INDEX \(indexName(d, purpose)) ON \(table) USING GIN ((custom -> '\(d.code)'))"
        }
        let expression = expression(d, table: table, postgres: postgres).replacingOccurrences(of: "\(table).custom", with: "custom")
        let rest = purpose == .filter ? "name_key, id" : "id"
        return "CREATE INDEX \(indexName(d, purpose)) ON \(table) ((\(expression)), \(rest))"
    }

    /// Binds the values object for the `custom` column.
    static func bind(_ values: CustomValues, on db: any SQLDatabase) -> SQLQueryString {
        let text = JSONText.encode(values)
        return isPostgres(db) ? "CAST(\(bind: text) AS jsonb)" : "\(bind: text)"
    }

    /// The value `value` bound the way the field's expression compares.
    static func comparable(_ value: CustomValue, _ d: CustomFieldDefinition) -> any Encodable & Sendable {
        switch ordering(d.type) {
        case .text: return value.textValue ?? ""
        case .integer:
            if case .bool(let flag) = value { return Int64(flag ? 1 : 0) }
            return value.integerValue ?? missingInteger
        case .real: return value.doubleValue ?? missingReal
        }
    }

    /// The condition for one filter on `table`.
    static func condition(_ filter: CustomFilter, table: String, postgres: Bool) -> SQLQueryString {
        let d = filter.definition
        if d.type == .multiChoice, case .equals(let value) = filter.test {
            let codes = value.listValue ?? [value.textValue ?? ""]
            let tests: [SQLQueryString] = codes.map { code in
                postgres
                    ? "(\(unsafeRaw: table).custom -> '\(unsafeRaw: d.code)') ? \(bind: code)"
                    : "EXISTS (SELECT 1 FROM json_each(\(unsafeRaw: table).custom, '$.\(unsafeRaw: d.code)') WHERE json_each.value = \(bind: code))"
            }
            return "(" + tests.joined(separator: " AND ") + ")"
        }
        let expression = expression(d, table: table, postgres: postgres)
        switch filter.test {
        case .equals(let value): return "\(unsafeRaw: expression) = \(bind: comparable(value, d))"
        case .atLeast(let value): return "\(unsafeRaw: expression) >= \(bind: comparable(value, d))"
        case .atMost(let value):
            // The stand-in for "no value" is the smallest of all; keep such rows out.
            return "(\(unsafeRaw: expression) <= \(bind: comparable(value, d)) AND \(unsafeRaw: expression) > \(bind: comparable(missing(d), d)))"
        case .present(let present):
            return "\(unsafeRaw: expression) \(unsafeRaw: present ? "<>" : "=") \(bind: comparable(missing(d), d))"
        }
    }

    static func missing(_ d: CustomFieldDefinition) -> CustomValue {
        switch ordering(d.type) {
        case .text: .text(missingText)
        case .integer: .integer(missingInteger)
        case .real: .number(missingReal)
        }
    }

    /// The keyset column for sorting by `d`.
    static func sortColumn(_ d: CustomFieldDefinition, table: String, postgres: Bool) -> Keyset.Column {
        let kind: Keyset.ValueKind = switch ordering(d.type) {
        case .text: .text
        case .integer: .integer
        case .real: .real
        }
        return Keyset.Column(sql: expression(d, table: table, postgres: postgres), kind: kind)
    }

    /// A record's cursor value when sorted by `d`: its value as the expression yields it.
    static func sortValue(_ values: CustomValues, _ d: CustomFieldDefinition) -> String {
        let value = values[d.code] ?? missing(d)
        switch comparable(value, d) {
        case let text as String: return text
        case let number as Int64: return String(number)
        case let number as Double: return String(number)
        default: return ""
        }
    }
}
