import Foundation
import RapportDomain
import SQLKit

/// The calls and the events they were told by.
public struct CallStore: Sendable {
    public init() {}

    static let columns = """
        id, integration_id, external_id, direction, client_number, client_phone, line_number, state, answered_by, started_at,
        answered_at, ended_at, duration_seconds, recording_url, missed_handled, link_entity, link_id, interaction_id, task_id,
        created_at, updated_at, version
        """

    /// The call, locked for the caller's transaction on PostgreSQL (two events of one call
    /// are handled one after the other; SQLite has one writer anyway).
    public func findLocked(integrationID: Int64, externalID: String, on db: any SQLDatabase) async throws -> Call? {
        let lock: SQLQueryString = db.dialect.name == "sqlite" ? "" : "FOR UPDATE"
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM calls
            WHERE integration_id = \(bind: integrationID) AND external_id = \(bind: externalID) \(lock)
            """).first().map(Self.decode)
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Call? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM calls WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// Inserts the call unless another event of it got there first; the call either way.
    public func insert(_ c: Call, on db: any SQLDatabase) async throws -> Call {
        let id = try await db.raw("""
            INSERT INTO calls (integration_id, external_id, direction, client_number, client_phone, line_number, state, started_at,
                missed_handled, created_at, updated_at, version)
            VALUES (\(bind: c.integrationID), \(bind: c.externalID), \(bind: c.direction.rawValue), \(bind: c.clientNumber),
                \(bind: c.clientPhone), \(bind: c.lineNumber), \(bind: c.state.rawValue), \(bind: c.startedAt.millis), FALSE,
                \(bind: c.createdAt.millis), \(bind: c.updatedAt.millis), 1)
            ON CONFLICT (integration_id, external_id) DO NOTHING
            RETURNING id
            """).first()?.decode(column: "id", as: Int64.self)
        guard let id else { return try await findLocked(integrationID: c.integrationID, externalID: c.externalID, on: db)! }
        var inserted = c
        inserted.id = id
        return inserted
    }

    /// Remembers an event of the call; false when it was received before (a repeat).
    public func addEvent(integrationID: Int64, eventID: String, callID: Int64, kind: CallEvent.Kind, at: Date,
                         on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            INSERT INTO call_events (integration_id, event_id, call_id, kind, received_at)
            VALUES (\(bind: integrationID), \(bind: eventID), \(bind: callID), \(bind: kind.rawValue), \(bind: at.millis))
            ON CONFLICT (integration_id, event_id) DO NOTHING
            RETURNING event_id
            """).first() != nil
    }

    public func update(_ c: Call, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE calls SET direction = \(bind: c.direction.rawValue), client_number = \(bind: c.clientNumber),
                client_phone = \(bind: c.clientPhone), line_number = \(bind: c.lineNumber), state = \(bind: c.state.rawValue),
                answered_by = \(bind: c.answeredBy), answered_at = \(bind: c.answeredAt?.millis), ended_at = \(bind: c.endedAt?.millis),
                duration_seconds = \(bind: c.durationSeconds), recording_url = \(bind: c.recordingURL),
                missed_handled = \(bind: c.missedHandled), link_entity = \(bind: c.link?.entity), link_id = \(bind: c.link?.id),
                interaction_id = \(bind: c.interactionID), task_id = \(bind: c.taskID), updated_at = \(bind: c.updatedAt.millis),
                version = version + 1
            WHERE id = \(bind: c.id)
            """).run()
    }

    /// Calls newest first, optionally only those of one record.
    public func list(link: WorkTask.Link?, before: Int64?, limit: Int, on db: any SQLDatabase) async throws -> [Call] {
        var conditions: [SQLQueryString] = []
        if let link { conditions.append("link_entity = \(bind: link.entity) AND link_id = \(bind: link.id)") }
        if let before { conditions.append("id < \(bind: before)") }
        let filter: SQLQueryString = conditions.isEmpty ? "" : "WHERE \(conditions.joined(separator: " AND "))"
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM calls \(filter) ORDER BY id DESC LIMIT \(literal: limit)
            """).all().map(Self.decode)
    }

    static func decode(_ row: any SQLRow) throws -> Call {
        var call = Call(id: try row.decode(column: "id", as: Int64.self),
                        integrationID: try row.decode(column: "integration_id", as: Int64.self),
                        externalID: try row.decode(column: "external_id", as: String.self),
                        direction: Interaction.Direction(rawValue: try row.decode(column: "direction", as: String.self)) ?? .incoming,
                        clientNumber: try row.decode(column: "client_number", as: String.self),
                        clientPhone: try row.decode(column: "client_phone", as: String?.self),
                        lineNumber: try row.decode(column: "line_number", as: String?.self),
                        state: Call.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .ringing,
                        startedAt: Date(millis: try row.decode(column: "started_at", as: Int64.self)),
                        createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                        updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                        version: try row.decode(column: "version", as: Int64.self))
        call.answeredBy = try row.decode(column: "answered_by", as: Int64?.self)
        call.answeredAt = try row.decode(column: "answered_at", as: Int64?.self).map(Date.init(millis:))
        call.endedAt = try row.decode(column: "ended_at", as: Int64?.self).map(Date.init(millis:))
        call.durationSeconds = try row.decode(column: "duration_seconds", as: Int?.self)
        call.recordingURL = try row.decode(column: "recording_url", as: String?.self)
        call.missedHandled = try row.decode(column: "missed_handled", as: Bool.self)
        if let entity = try row.decode(column: "link_entity", as: String?.self), let id = try row.decode(column: "link_id", as: Int64?.self) {
            call.link = WorkTask.Link(entity: entity, id: id)
        }
        call.interactionID = try row.decode(column: "interaction_id", as: Int64?.self)
        call.taskID = try row.decode(column: "task_id", as: Int64?.self)
        return call
    }
}
