import Foundation
import RapportDomain
import SQLKit

/// Visit kinds and visits.
public struct VisitStore: Sendable {
    public init() {}

    static let columns = """
        id, kind_id, technician_id, start_at, end_at, address, region, comments, link_entity, link_id, state, confirm_task_id,
        technician_task_id, results, created_by, created_at, updated_at, version
        """

    // MARK: kinds

    public func kinds(on db: any SQLDatabase) async throws -> [VisitKind] {
        try await db.raw("SELECT id, name, skill, minutes, version FROM visit_kinds ORDER BY id").all().map(Self.decodeKind)
    }

    public func kind(id: Int64, on db: any SQLDatabase) async throws -> VisitKind? {
        try await db.raw("SELECT id, name, skill, minutes, version FROM visit_kinds WHERE id = \(bind: id)").first().map(Self.decodeKind)
    }

    public func insert(_ k: VisitKind, now: Date, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO visit_kinds (name, skill, minutes, created_at, updated_at, version)
            VALUES (\(bind: k.name), \(bind: k.skill), \(bind: k.minutes), \(bind: now.millis), \(bind: now.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func update(_ k: VisitKind, expectedVersion: Int64, now: Date, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE visit_kinds SET name = \(bind: k.name), skill = \(bind: k.skill), minutes = \(bind: k.minutes),
                updated_at = \(bind: now.millis), version = version + 1
            WHERE id = \(bind: k.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    // MARK: visits

    public func find(id: Int64, on db: any SQLDatabase) async throws -> Visit? {
        try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM visits WHERE id = \(bind: id)").first().map(Self.decode)
    }

    /// The technicians' visits (not cancelled) that overlap `[from, to)`.
    public func busy(technicianIDs: [Int64], from: Date, to: Date, on db: any SQLDatabase) async throws -> [Visit] {
        guard !technicianIDs.isEmpty else { return [] }
        return try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM visits
            WHERE technician_id IN (\(binds: technicianIDs)) AND state <> 'cancelled'
              AND start_at < \(bind: to.millis) AND end_at > \(bind: from.millis)
            ORDER BY start_at, id
            """).all().map(Self.decode)
    }

    /// Visits of a lead or deal, newest first.
    public func visits(of link: WorkTask.Link, on db: any SQLDatabase) async throws -> [Visit] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM visits WHERE link_entity = \(bind: link.entity) AND link_id = \(bind: link.id)
            ORDER BY start_at DESC, id DESC
            """).all().map(Self.decode)
    }

    public func insert(_ v: Visit, on db: any SQLDatabase) async throws -> Int64 {
        try await db.raw("""
            INSERT INTO visits (kind_id, technician_id, start_at, end_at, address, region, comments, link_entity, link_id, state,
                created_by, created_at, updated_at, version)
            VALUES (\(bind: v.kindID), \(bind: v.technicianID), \(bind: v.start.millis), \(bind: v.end.millis), \(bind: v.address),
                \(bind: v.region), \(bind: v.comments), \(bind: v.link.entity), \(bind: v.link.id), \(bind: v.state.rawValue),
                \(bind: v.createdBy), \(bind: v.createdAt.millis), \(bind: v.updatedAt.millis), 1)
            RETURNING id
            """).first()!.decode(column: "id", as: Int64.self)
    }

    public func update(_ v: Visit, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("""
            UPDATE visits SET technician_id = \(bind: v.technicianID), start_at = \(bind: v.start.millis), end_at = \(bind: v.end.millis),
                address = \(bind: v.address), region = \(bind: v.region), comments = \(bind: v.comments), state = \(bind: v.state.rawValue),
                confirm_task_id = \(bind: v.confirmTaskID), technician_task_id = \(bind: v.technicianTaskID),
                results = \(bind: v.results), updated_at = \(bind: v.updatedAt.millis), version = version + 1
            WHERE id = \(bind: v.id) AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }

    static func decodeKind(_ row: any SQLRow) throws -> VisitKind {
        VisitKind(id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                  skill: try row.decode(column: "skill", as: String.self), minutes: try row.decode(column: "minutes", as: Int.self),
                  version: try row.decode(column: "version", as: Int64.self))
    }

    static func decode(_ row: any SQLRow) throws -> Visit {
        var visit = Visit(id: try row.decode(column: "id", as: Int64.self), kindID: try row.decode(column: "kind_id", as: Int64.self),
                          technicianID: try row.decode(column: "technician_id", as: Int64.self),
                          start: Date(millis: try row.decode(column: "start_at", as: Int64.self)),
                          end: Date(millis: try row.decode(column: "end_at", as: Int64.self)),
                          address: try row.decode(column: "address", as: String.self),
                          region: try row.decode(column: "region", as: String?.self),
                          comments: try row.decode(column: "comments", as: String?.self),
                          link: WorkTask.Link(entity: try row.decode(column: "link_entity", as: String.self),
                                              id: try row.decode(column: "link_id", as: Int64.self)),
                          state: Visit.State(rawValue: try row.decode(column: "state", as: String.self)) ?? .booked,
                          createdBy: try row.decode(column: "created_by", as: Int64?.self),
                          createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                          updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
                          version: try row.decode(column: "version", as: Int64.self))
        visit.confirmTaskID = try row.decode(column: "confirm_task_id", as: Int64?.self)
        visit.technicianTaskID = try row.decode(column: "technician_task_id", as: Int64?.self)
        visit.results = try row.decode(column: "results", as: String?.self)
        return visit
    }
}
