import Foundation
import RapportDomain
import SQLKit

/// The append-only event log.
public struct EventStore: Sendable {
    public init() {}

    static let columns = "id, occurred_at, actor_id, entity, entity_id, action, changes"

    /// Appends one event; call it inside the transaction that made the change.
    public func append(_ event: Event, on db: any SQLDatabase) async throws {
        if let pending = PendingWrites.current {
            pending.putEvent(event)  // written at the end of the batch
            return
        }
        try await db.raw("""
            INSERT INTO events (occurred_at, actor_id, entity, entity_id, action, changes, owner_id)
            VALUES (\(bind: event.occurredAt.millis), \(bind: event.actorID), \(bind: event.entity),
                    \(bind: event.entityID), \(bind: event.action.rawValue), \(bind: JSONText.encode(event.changes)),
                    \(bind: event.actorID))
            """).run()
    }

    /// Events that `scope` lets `subject` read (by who acted), newest first.
    public func list(_ query: EventQuery, scope: PermissionScope, subject: AccessSubject, page: PageRequest,
                     on db: any SQLDatabase) async throws -> Page<Event> {
        let keyset = Keyset(column: .init(sql: "events.id", numeric: true), idColumn: "events.id", descending: true,
                            page: page)
        var conditions: [SQLQueryString] = [ScopeFilter.condition(scope, subject: subject, ownerColumn: "events.actor_id")]
        if let entity = query.entity { conditions.append("events.entity = \(bind: entity)") }
        if let id = query.entityID { conditions.append("events.entity_id = \(bind: id)") }
        if let ids = query.entityIDs, !ids.isEmpty { conditions.append("events.entity_id IN (\(binds: ids))") }
        if let id = query.actorID { conditions.append("events.actor_id = \(bind: id)") }
        if let action = query.action { conditions.append("events.action = \(bind: action)") }
        if let since = query.since { conditions.append("events.occurred_at >= \(bind: since.millis)") }
        if let until = query.until { conditions.append("events.occurred_at < \(bind: until.millis)") }
        if let after = try keyset.afterCursor() { conditions.append(after) }
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM events \(whereClause(conditions))
            \(keyset.orderBy) LIMIT \(literal: keyset.fetchLimit)
            """).all().map(Self.decode)
        return keyset.finish(rows, sortValue: { String($0.id) }, id: \.id)
    }

    /// The id of the newest event about records of `entity`; 0 when there is none.
    public func latestID(entity: String, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("SELECT MAX(id) AS id FROM events WHERE entity = \(bind: entity)").first()?
            .decode(column: "id", as: Int64?.self) ?? 0
    }

    public func count(on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM events").first()!.decode(column: "n", as: Int.self)
    }

    static func decode(_ row: any SQLRow) throws -> Event {
        Event(
            id: try row.decode(column: "id", as: Int64.self),
            occurredAt: Date(millis: try row.decode(column: "occurred_at", as: Int64.self)),
            actorID: try row.decode(column: "actor_id", as: Int64?.self),
            entity: try row.decode(column: "entity", as: String.self),
            entityID: try row.decode(column: "entity_id", as: Int64.self),
            action: EventAction(rawValue: try row.decode(column: "action", as: String.self)) ?? .updated,
            changes: try JSONText.decode([FieldChange].self, row.decode(column: "changes", as: String.self))
        )
    }
}
