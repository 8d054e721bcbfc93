import Foundation
import RapportDomain
import SQLKit

/// The tables of interactions and their participants.
public struct InteractionStore: Sendable {
    public init() {}

    public struct Query: Sendable {
        /// Only those the user is responsible for or takes part in; otherwise every one the
        /// read scope reaches (and those the user is on).
        public var mineOnly: Bool
        /// Planned ones only: the work queue.
        public var pendingOnly: Bool
        public var status: Interaction.Status?
        public var kind: Interaction.Kind?
        public var purpose: Interaction.Purpose?
        public var priority: Interaction.Priority?
        public var ownerID: Int64?
        /// Only those these people are responsible for or take part in (a calendar of a person
        /// or a team).
        public var peopleIDs: [Int64]?
        /// About this record: linked to it or with it among the participants.
        public var record: WorkTask.Link?
        public var threadID: Int64?
        /// Starting at or after / before these moments.
        public var from: Date?
        public var before: Date?
        /// Oldest first (the queue, a calendar) or newest first (a timeline).
        public var ascending: Bool
        /// Only meetings, visits and planned interactions, and anything still planned: what a
        /// calendar feed holds.
        public var calendarOnly = false
        /// Whether to read who took part; lists that do not show participants (the desktop, a
        /// card's timeline) leave them out and save a read or two.
        public var withParticipants = true

        public init(mineOnly: Bool = false, pendingOnly: Bool = false, status: Interaction.Status? = nil,
                    kind: Interaction.Kind? = nil, purpose: Interaction.Purpose? = nil, priority: Interaction.Priority? = nil,
                    ownerID: Int64? = nil, record: WorkTask.Link? = nil, threadID: Int64? = nil, from: Date? = nil,
                    before: Date? = nil, ascending: Bool? = nil) {
            self.mineOnly = mineOnly; self.pendingOnly = pendingOnly; self.status = status; self.kind = kind
            self.purpose = purpose; self.priority = priority; self.ownerID = ownerID; self.record = record
            self.threadID = threadID; self.from = from; self.before = before
            self.ascending = ascending ?? (pendingOnly || status == .planned)
        }
    }

    static let columns = """
        interactions.id, interactions.kind, interactions.subject, interactions.details, interactions.start_at,
        interactions.duration_minutes, interactions.channel, interactions.direction, interactions.priority,
        interactions.purpose, interactions.state, interactions.status, interactions.advertising_source,
        interactions.owner_id, interactions.result, interactions.link_entity, interactions.link_id, interactions.thread_id,
        interactions.parent_id, interactions.reminders, interactions.created_by, interactions.created_at,
        interactions.updated_at, interactions.version
        """

    /// Inserts `i`; a `threadID` of 0 starts a new chain with the interaction itself.
    public func insert(_ i: Interaction, on db: any SQLDatabase) async throws -> Int64 {
        let id = try await db.raw("""
            INSERT INTO interactions (kind, subject, details, start_at, duration_minutes, channel, direction, priority, purpose,
                state, status, advertising_source, owner_id, result, link_entity, link_id, thread_id, thread_key, parent_id,
                reminders, created_by, created_at, updated_at, version)
            VALUES (\(bind: i.kind.rawValue), \(bind: i.subject), \(bind: i.details), \(bind: i.startAt.millis),
                \(bind: i.durationMinutes), \(bind: i.channel), \(bind: i.direction?.rawValue), \(bind: i.priority.rawValue),
                \(bind: i.purpose?.rawValue), \(bind: i.state.rawValue), \(bind: i.status.rawValue),
                \(bind: i.advertisingSource), \(bind: i.ownerID), \(bind: i.result), \(bind: i.link?.entity),
                \(bind: i.link?.id), \(bind: i.threadID), \(bind: Interaction.threadKey(i.subject)), \(bind: i.parentID),
                \(bind: TaskStore.list(i.reminders.map(\.millis))), \(bind: i.createdBy), \(bind: i.createdAt.millis),
                \(bind: i.updatedAt.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
        if i.threadID == 0 { try await db.raw("UPDATE interactions SET thread_id = id WHERE id = \(bind: id)").run() }
        try await replaceParticipants(of: id, i.participants, on: db)
        return id
    }

    /// Saves `i` when its version is still `expectedVersion`; the new version, or nil when stale.
    public func update(_ i: Interaction, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        let row = try await db.raw("""
            UPDATE interactions SET kind = \(bind: i.kind.rawValue), subject = \(bind: i.subject), details = \(bind: i.details),
                start_at = \(bind: i.startAt.millis), duration_minutes = \(bind: i.durationMinutes), channel = \(bind: i.channel),
                direction = \(bind: i.direction?.rawValue), priority = \(bind: i.priority.rawValue),
                purpose = \(bind: i.purpose?.rawValue), state = \(bind: i.state.rawValue), status = \(bind: i.status.rawValue),
                advertising_source = \(bind: i.advertisingSource), owner_id = \(bind: i.ownerID), result = \(bind: i.result),
                link_entity = \(bind: i.link?.entity), link_id = \(bind: i.link?.id), thread_id = \(bind: i.threadID),
                thread_key = \(bind: Interaction.threadKey(i.subject)),
                reminders = \(bind: TaskStore.list(i.reminders.map(\.millis))), updated_at = \(bind: i.updatedAt.millis),
                version = version + 1
            WHERE id = \(bind: i.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()
        guard let row else { return nil }
        try await replaceParticipants(of: i.id, i.participants, on: db)
        return try row.decode(column: "version", as: Int64.self)
    }

    public func delete(id: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM interaction_participants WHERE interaction_id = \(bind: id)").run()
        // Follow-ups keep their chain; they only lose the pointer to the one removed.
        try await db.raw("UPDATE interactions SET parent_id = NULL WHERE parent_id = \(bind: id)").run()
        try await db.raw("DELETE FROM interactions WHERE id = \(bind: id)").run()
    }

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Interaction? {
        guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM interactions WHERE id = \(bind: id)").first()
        else { return nil }
        return try await withParticipants([try Self.decode(row)], on: db).first
    }

    /// The chain a new interaction about `link` with `subject` joins: the one of the latest
    /// interaction about the same record with the same subject (reply prefixes aside).
    public func thread(link: WorkTask.Link, subject: String, on db: any SQLDatabase) async throws -> Int64? {
        let row = try await db.raw("""
            SELECT thread_id FROM interactions
            WHERE link_entity = \(bind: link.entity) AND link_id = \(bind: link.id)
              AND thread_key = \(bind: Interaction.threadKey(subject))
            ORDER BY id DESC LIMIT 1
            """).first()
        return try row?.decode(column: "thread_id", as: Int64.self)
    }

    /// A page of the interactions `query` names for `subject`, within `scope` unless mine only.
    /// "Mine" (responsible or taking part) and "about a record" (linked or taking part) are
    /// each two queries on their own indexes, merged.
    public func list(_ query: Query, scope: PermissionScope, subject: AccessSubject, now: Date, page: PageRequest,
                     on db: any SQLDatabase) async throws -> Page<Interaction> {
        let me = subject.userID
        var conditions: [SQLQueryString] = []
        let takingPart: SQLQueryString = """
            interactions.id IN (SELECT interaction_id FROM interaction_participants WHERE kind = 'user' AND ref_id = \(bind: me))
            """
        if !query.mineOnly, scope != .all {
            conditions.append("""
                (\(ScopeFilter.condition(scope, subject: subject, ownerColumn: "interactions.owner_id"))
                 OR interactions.owner_id = \(bind: me) OR interactions.created_by = \(bind: me) OR \(takingPart))
                """)
        }
        if query.pendingOnly { conditions.append("interactions.status = 'planned'") }
        if query.calendarOnly {
            let kinds = Interaction.Kind.allCases.filter(\.isAppointment).map(\.rawValue)
            conditions.append("(interactions.kind IN (\(binds: kinds)) OR interactions.status = 'planned')")
        }
        if let status = query.status { conditions.append("interactions.status = \(bind: status.rawValue)") }
        if let kind = query.kind { conditions.append("interactions.kind = \(bind: kind.rawValue)") }
        if let purpose = query.purpose { conditions.append("interactions.purpose = \(bind: purpose.rawValue)") }
        if let priority = query.priority { conditions.append("interactions.priority = \(bind: priority.rawValue)") }
        if let owner = query.ownerID { conditions.append("interactions.owner_id = \(bind: owner)") }
        var alternatives: [[SQLQueryString]] = []
        if let people = query.peopleIDs {
            if people.isEmpty {
                conditions.append("1 = 0")
            } else {
                alternatives.append([
                    "interactions.owner_id IN (\(binds: people))",
                    """
                    interactions.id IN (SELECT interaction_id FROM interaction_participants
                        WHERE kind = 'user' AND ref_id IN (\(binds: people)))
                    """,
                ])
            }
        }
        if let thread = query.threadID { conditions.append("interactions.thread_id = \(bind: thread)") }
        if let from = query.from { conditions.append("interactions.start_at >= \(bind: from.millis)") }
        if let before = query.before { conditions.append("interactions.start_at < \(bind: before.millis)") }
        if let cursor = page.cursor {
            guard let after = Int64(cursor.sortValue) else {
                throw RapportError.invalid("cursor", "invalid", "cursor does not match the sort order")
            }
            let op: SQLQueryString = query.ascending ? ">" : "<"
            conditions.append("""
                (interactions.start_at \(op) \(bind: after)
                 OR (interactions.start_at = \(bind: after) AND interactions.id \(op) \(bind: cursor.id)))
                """)
        }
        // The alternatives: every combination of one side of each "either" is a branch.
        if query.mineOnly { alternatives.append(["interactions.owner_id = \(bind: me)", takingPart]) }
        if let record = query.record {
            alternatives.append([
                "interactions.link_entity = \(bind: record.entity) AND interactions.link_id = \(bind: record.id)",
                """
                interactions.id IN (SELECT interaction_id FROM interaction_participants
                    WHERE kind = \(bind: record.entity) AND ref_id = \(bind: record.id))
                """,
            ])
        }
        let branches = Keyset.branches(alternatives)
        let order: SQLQueryString = query.ascending ? "ASC" : "DESC"
        var found: [[Interaction]] = []
        for branch in branches {
            let all = conditions + branch
            let filter: SQLQueryString = all.isEmpty ? "" : "WHERE \(all.joined(separator: " AND "))"
            found.append(try await db.raw("""
                SELECT \(unsafeRaw: Self.columns) FROM interactions \(filter)
                ORDER BY interactions.start_at \(order), interactions.id \(order) LIMIT \(literal: page.limit + 1)
                """).all().map(Self.decode))
        }
        var items = Keyset.merge(found, key: { ($0.startAt.millis, $0.id) }, ascending: query.ascending, limit: page.limit + 1)
        let more = items.count > page.limit
        if more { items.removeLast() }
        if query.withParticipants { items = try await withParticipants(items, on: db) }
        let next = more ? items.last.map { PageCursor(sortValue: String($0.startAt.millis), id: $0.id) } : nil
        return Page(items: items, nextCursor: next)
    }

    /// How many planned interactions whose time has passed `userID` is responsible for.
    public func overdueCount(userID: Int64, now: Date, on db: any SQLDatabase) async throws -> Int {
        try await db.raw("SELECT \(Self.overdue(userID, now)) AS n").first()!.decode(column: "n", as: Int.self)
    }

    /// In one statement: how many planned interactions `userID` is responsible for or takes
    /// part in are still to come today (from now to `endOfDay`), and how many of those they
    /// are responsible for are overdue (as `overdueCount`).
    public func dayCounts(userID: Int64, now: Date, endOfDay: Date, on db: any SQLDatabase) async throws
        -> (laterToday: Int, overdue: Int)
    {
        let row = try await db.raw("""
            SELECT (SELECT COUNT(*) FROM interactions
                    WHERE owner_id = \(bind: userID) AND status = 'planned'
                      AND start_at >= \(bind: now.millis) AND start_at < \(bind: endOfDay.millis))
                + (SELECT COUNT(*) FROM interactions
                    WHERE id IN (SELECT interaction_id FROM interaction_participants WHERE kind = 'user' AND ref_id = \(bind: userID))
                      AND owner_id <> \(bind: userID) AND status = 'planned'
                      AND start_at >= \(bind: now.millis) AND start_at < \(bind: endOfDay.millis)) AS later,
                \(Self.overdue(userID, now)) AS overdue
            """).first()!
        return (try row.decode(column: "later", as: Int.self), try row.decode(column: "overdue", as: Int.self))
    }

    // MARK: helpers

    /// How many planned interactions `userID` is responsible for have passed their time.
    static func overdue(_ userID: Int64, _ now: Date) -> SQLQueryString {
        """
        (SELECT COUNT(*) FROM interactions
            WHERE owner_id = \(bind: userID) AND status = 'planned' AND start_at < \(bind: now.millis))
        """
    }

    func replaceParticipants(of id: Int64, _ participants: [Interaction.Participant], on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM interaction_participants WHERE interaction_id = \(bind: id)").run()
        let rows: [[any Encodable & Sendable]] = participants.enumerated().map { index, p in
            [id, index, p.kind.rawValue, p.refID, p.name]
        }
        try await BulkInsert(table: "interaction_participants", columns: ["interaction_id", "position", "kind", "ref_id", "name"])
            .run(rows, on: db)
    }

    func withParticipants(_ items: [Interaction], on db: any SQLDatabase) async throws -> [Interaction] {
        guard !items.isEmpty else { return items }
        var byID: [Int64: [Interaction.Participant]] = [:]
        for row in try await db.raw("""
            SELECT interaction_id, kind, ref_id, name FROM interaction_participants
            WHERE interaction_id IN (\(binds: items.map(\.id))) ORDER BY interaction_id, position
            """).all() {
            let id = try row.decode(column: "interaction_id", as: Int64.self)
            let kind = Interaction.Participant.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .text
            byID[id, default: []].append(.init(kind: kind, refID: try row.decode(column: "ref_id", as: Int64?.self),
                                               name: try row.decode(column: "name", as: String?.self)))
        }
        return items.map { item in
            var item = item
            item.participants = byID[item.id] ?? []
            return item
        }
    }

    static func decode(_ row: any SQLRow) throws -> Interaction {
        let linkEntity = try row.decode(column: "link_entity", as: String?.self)
        let linkID = try row.decode(column: "link_id", as: Int64?.self)
        return Interaction(
            id: try row.decode(column: "id", as: Int64.self),
            kind: Interaction.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .note,
            subject: try row.decode(column: "subject", as: String.self),
            details: try row.decode(column: "details", as: String?.self),
            startAt: Date(millis: try row.decode(column: "start_at", as: Int64.self)),
            durationMinutes: try row.decode(column: "duration_minutes", as: Int?.self),
            channel: try row.decode(column: "channel", as: String?.self),
            direction: try row.decode(column: "direction", as: String?.self).flatMap(Interaction.Direction.init(rawValue:)),
            priority: Interaction.Priority(rawValue: try row.decode(column: "priority", as: String.self)) ?? .medium,
            purpose: try row.decode(column: "purpose", as: String?.self).flatMap(Interaction.Purpose.init(rawValue:)),
            state: Interaction.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .noReview,
            status: Interaction.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .held,
            advertisingSource: try row.decode(column: "advertising_source", as: String?.self),
            ownerID: try row.decode(column: "owner_id", as: Int64.self),
            result: try row.decode(column: "result", as: String?.self),
            link: linkEntity.flatMap { entity in linkID.map { WorkTask.Link(entity: entity, id: $0) } },
            threadID: try row.decode(column: "thread_id", as: Int64.self),
            parentID: try row.decode(column: "parent_id", as: Int64?.self),
            reminders: TaskStore.ids(try row.decode(column: "reminders", as: String.self)).map(Date.init(millis:)),
            createdBy: try row.decode(column: "created_by", as: Int64?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            version: try row.decode(column: "version", as: Int64.self))
    }
}
