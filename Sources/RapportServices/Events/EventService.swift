import RapportDomain
import RapportStore

/// Reading the event log (the audit page and `GET /api/v1/events`).
public struct EventService: Sendable {
    let env: ServiceEnvironment
    let events = EventStore()

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// Events the principal's `audit` read scope reaches (by who acted), newest first.
    public func list(_ query: EventQuery, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try Access.requireAny(principal, .read, .audit)
        let scope = principal.scope(.audit, .read)
        return try await env.database.read { db in
            try await self.events.list(query, scope: scope, subject: principal.subject, page: page, on: db)
        }
    }
}
