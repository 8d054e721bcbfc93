import Foundation
import SQLKit

/// A user's saved filter of a list page: a name and the list's query string.
public struct SavedView: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var entity: String
    public var name: String
    /// The list's query string without `?`, e.g. `kind=dealer&status=active`.
    public var query: String

    public init(id: Int64, userID: Int64, entity: String, name: String, query: String) {
        self.id = id; self.userID = userID; self.entity = entity; self.name = name; self.query = query
    }
}

public struct SavedViewStore: Sendable {
    public init() {}

    public func insert(_ view: SavedView, at time: Date, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO saved_views (user_id, entity, name, query, created_at)
            VALUES (\(bind: view.userID), \(bind: view.entity), \(bind: view.name), \(bind: view.query), \(bind: time.millis))
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func list(userID: Int64, entity: String?, on db: any SQLDatabase) async throws -> [SavedView] {
        var conditions: [SQLQueryString] = ["user_id = \(bind: userID)"]
        if let entity { conditions.append("entity = \(bind: entity)") }
        return try await db.raw("""
            SELECT id, user_id, entity, name, query FROM saved_views \(whereClause(conditions)) ORDER BY id LIMIT 100
            """).all().map {
            SavedView(id: try $0.decode(column: "id", as: Int64.self), userID: try $0.decode(column: "user_id", as: Int64.self),
                      entity: try $0.decode(column: "entity", as: String.self), name: try $0.decode(column: "name", as: String.self),
                      query: try $0.decode(column: "query", as: String.self))
        }
    }

    /// Deletes a view of `userID`; returns false when there was none.
    public func delete(id: Int64, userID: Int64, on db: any SQLDatabase) async throws -> Bool {
        let row = try await db.raw("""
            DELETE FROM saved_views WHERE id = \(bind: id) AND user_id = \(bind: userID) RETURNING id
            """).first()
        return row != nil
    }
}
