import Foundation
import RapportDomain
import RapportStore

/// Saved filters of the client lists, each user's own.
public struct SavedViewService: Sendable {
    /// The lists that can be saved, and the filters each list understands.
    public static let filters: [String: Set<String>] = [
        "company": ["q", "kind", "status", "owner_id", "region", "sort", "order"],
        "contact": ["q", "owner_id", "region", "company_id", "sort", "order"],
    ]

    let env: ServiceEnvironment
    let views = SavedViewStore()

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public func list(entity: String?, by principal: Principal) async throws -> [SavedView] {
        try await env.database.read { db in try await self.views.list(userID: principal.userID, entity: entity, on: db) }
    }

    /// Saves a view; the query keeps only the filters the list understands (in a stable order).
    public func create(entity: String?, name: String?, query: String?, by principal: Principal) async throws -> SavedView {
        var v = Validator()
        let entity = entity ?? ""
        let allowed = Self.filters[entity]
        if allowed == nil { v.add("entity", "invalid", "entity must be one of company, contact") }
        let name = v.requireText(name, field: "name", maxLength: 100)
        let raw = query ?? ""
        if raw.count > 1000 { v.add("query", "too_long", "query must be at most 1000 characters") }
        try v.throwIfInvalid()
        let cleaned = Self.cleanQuery(raw, allowed: allowed ?? [])
        let now = env.clock.now()
        return try await env.database.transaction { db in
            if try await self.views.list(userID: principal.userID, entity: nil, on: db).count >= 100 {
                throw RapportError.invalid("name", "too_many", "at most 100 saved views")
            }
            var view = SavedView(id: 0, userID: principal.userID, entity: entity, name: name, query: cleaned)
            view.id = try await self.views.insert(view, at: now, on: db)
            return view
        }
    }

    /// The `name=value` pairs of `raw` whose name the list understands and whose value is not
    /// empty, sorted by name and percent-encoded again. Parsed by hand: whatever a client
    /// sends (control characters, broken escapes) is dropped, never trusted to a URL parser.
    static func cleanQuery(_ raw: String, allowed: Set<String>) -> String {
        let text = raw.hasPrefix("?") ? String(raw.dropFirst()) : raw
        var safe = CharacterSet.alphanumerics
        safe.insert(charactersIn: "-._~")
        let pairs = text.split(separator: "&").compactMap { pair -> (String, String)? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2,
                  let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  let value = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                  allowed.contains(name), !value.isEmpty, !value.contains(where: { $0.isASCII && $0.asciiValue! < 32 })
            else { return nil }
            return (name, value)
        }
        return pairs.sorted { $0.0 < $1.0 }
            .compactMap { name, value in value.addingPercentEncoding(withAllowedCharacters: safe).map { "\(name)=\($0)" } }
            .joined(separator: "&")
    }

    public func delete(_ id: Int64, by principal: Principal) async throws {
        let deleted = try await env.database.transaction { db in
            try await self.views.delete(id: id, userID: principal.userID, on: db)
        }
        if !deleted { throw RapportError.notFound(entity: "saved_view") }
    }
}
