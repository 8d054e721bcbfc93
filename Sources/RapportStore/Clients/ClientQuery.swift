import RapportDomain
import SQLKit

/// Filters and order for company and contact lists. Every value is bound.
public struct ClientQuery: Sendable, Equatable {
    public enum Sort: String, CaseIterable, Sendable {
        case name, createdAt = "created_at", id
    }

    /// The start of the name (any case), or an exact INN for companies.
    public var search: String?
    public var kind: CompanyKind?
    public var status: ClientStatus?
    public var ownerID: Int64?
    public var region: String?
    /// Contacts of this company only.
    public var companyID: Int64?
    public var sort: Sort
    public var descending: Bool
    /// Custom-field filters and sort as sent (`cf.<code>…` → value; the code to sort by);
    /// the service resolves them into `customFilters` and `customSortField`.
    public var customParameters: [String: String] = [:]
    public var customSort: String?
    public var customFilters: [CustomFilter] = []
    public var customSortField: CustomFieldDefinition?

    public init(search: String? = nil, kind: CompanyKind? = nil, status: ClientStatus? = nil, ownerID: Int64? = nil,
                region: String? = nil, companyID: Int64? = nil, sort: Sort = .name, descending: Bool = false) {
        self.search = search; self.kind = kind; self.status = status; self.ownerID = ownerID; self.region = region
        self.companyID = companyID; self.sort = sort; self.descending = descending
    }
}

/// How names are compared and sorted on both databases: Unicode lower case, trimmed.
enum NameKey {
    static func make(_ parts: String?...) -> String {
        parts.compactMap { $0 }.joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// "Starts with `prefix`" as an index range in byte order (SQLite's BINARY, PostgreSQL's
    /// `C` collation of the name keys): every key that starts with it sorts between the two.
    static func prefixCondition(_ column: String, _ prefix: String) -> SQLQueryString {
        let lower = make(prefix)
        return "(\(unsafeRaw: column) >= \(bind: lower) AND \(unsafeRaw: column) < \(bind: lower + "\u{10FFFF}"))"
    }
}
