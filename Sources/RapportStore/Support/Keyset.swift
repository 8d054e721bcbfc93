import RapportDomain
import SQLKit

/// Keyset pagination (`WHERE (sort, id) > (?, ?) ORDER BY sort, id LIMIT n+1`), never OFFSET.
struct Keyset {
    /// How a sort column's cursor value is bound.
    enum ValueKind {
        case text, integer, real
    }

    /// A column (or expression) a list may be sorted by.
    struct Column {
        let sql: String
        let kind: ValueKind

        init(sql: String, kind: ValueKind) {
            self.sql = sql; self.kind = kind
        }

        /// `numeric` columns bind the cursor value as an integer.
        init(sql: String, numeric: Bool) {
            self.init(sql: sql, kind: numeric ? .integer : .text)
        }
    }

    let column: Column
    let idColumn: String
    let descending: Bool
    let page: PageRequest

    /// The condition that starts after the cursor, or nil on the first page.
    /// Throws a validation error on `cursor` when its value does not fit the column.
    func afterCursor() throws -> SQLQueryString? {
        guard let cursor = page.cursor else { return nil }
        let op = descending ? "<" : ">"
        let value: any Encodable & Sendable
        let mismatch = RapportError.invalid("cursor", "invalid", "cursor does not match the sort order")
        switch column.kind {
        case .integer:
            guard let number = Int64(cursor.sortValue) else { throw mismatch }
            value = number
        case .real:
            guard let number = Double(cursor.sortValue), number.isFinite else { throw mismatch }
            value = number
        case .text:
            value = cursor.sortValue
        }
        if column.sql == idColumn {
            return "\(unsafeRaw: idColumn) \(unsafeRaw: op) \(bind: cursor.id)"
        }
        return "(\(unsafeRaw: column.sql) \(unsafeRaw: op) \(bind: value) OR (\(unsafeRaw: column.sql) = \(bind: value) AND \(unsafeRaw: idColumn) \(unsafeRaw: op) \(bind: cursor.id)))"
    }

    var orderBy: SQLQueryString {
        let dir = descending ? "DESC" : "ASC"
        if column.sql == idColumn { return "ORDER BY \(unsafeRaw: idColumn) \(unsafeRaw: dir)" }
        return "ORDER BY \(unsafeRaw: column.sql) \(unsafeRaw: dir), \(unsafeRaw: idColumn) \(unsafeRaw: dir)"
    }

    /// One more than the page, to know whether another page follows.
    var fetchLimit: Int { page.limit + 1 }

    /// Cuts the extra row and makes the next cursor from the last row kept.
    func finish<T>(_ rows: [T], sortValue: (T) -> String, id: (T) -> Int64) -> Page<T> {
        guard rows.count > page.limit else { return Page(items: rows, nextCursor: nil) }
        let kept = Array(rows.prefix(page.limit))
        let last = kept[kept.count - 1]
        return Page(items: kept, nextCursor: PageCursor(sortValue: sortValue(last), id: id(last)))
    }
}

/// Joins conditions with AND into a WHERE clause (or nothing).
func whereClause(_ conditions: [SQLQueryString]) -> SQLQueryString {
    guard !conditions.isEmpty else { return "" }
    return "WHERE " + conditions.joined(separator: " AND ")
}

extension Keyset {
    /// One page from several queries that each return their first `limit` rows in the same
    /// (sort, id) order: the rows merged in that order, each id once, at most `limit`. Used
    /// where one `OR` would keep the database from using an index for each side (PostgreSQL
    /// then reads the whole table): each side runs on its own index instead.
    static func merge<T>(_ branches: [[T]], key: (T) -> (sort: Int64, id: Int64), ascending: Bool, limit: Int) -> [T] {
        var all = branches.flatMap { $0 }
        all.sort { a, b in
            let x = key(a), y = key(b)
            return ascending ? (x.sort, x.id) < (y.sort, y.id) : (x.sort, x.id) > (y.sort, y.id)
        }
        var seen = Set<Int64>()
        var out: [T] = []
        for row in all where seen.insert(key(row).id).inserted {
            out.append(row)
            if out.count == limit { break }
        }
        return out
    }
}

extension Keyset {
    /// Every combination of one side of each "either … or …": the conditions of each branch
    /// query (one empty branch when there is no choice).
    static func branches(_ alternatives: [[SQLQueryString]]) -> [[SQLQueryString]] {
        var branches: [[SQLQueryString]] = [[]]
        for sides in alternatives { branches = branches.flatMap { branch in sides.map { branch + [$0] } } }
        return branches
    }
}
