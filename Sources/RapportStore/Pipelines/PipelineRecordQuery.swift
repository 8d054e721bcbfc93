import Foundation
import RapportDomain
import SQLKit

/// Which leads or deals a list, a board column or an export shows.
public struct PipelineRecordQuery: Sendable, Equatable {
    public var pipelineID: Int64?
    public var stageID: Int64?
    public var ownerID: Int64?
    /// Leads only: where they came from.
    public var source: String?
    /// Words of the title (and for leads the client's name, company, phone or e-mail).
    public var text: String?
    /// Only records in open stages.
    public var openOnly: Bool

    public init(pipelineID: Int64? = nil, stageID: Int64? = nil, ownerID: Int64? = nil, source: String? = nil,
                text: String? = nil, openOnly: Bool = false) {
        self.pipelineID = pipelineID
        self.stageID = stageID
        self.ownerID = ownerID
        self.source = source
        self.text = text
        self.openOnly = openOnly
    }

    /// The query's conditions over the entity's table (aliased as its own name), within `scope`.
    func conditions(_ entity: PipelineEntity, scope: PermissionScope, subject: AccessSubject) -> [SQLQueryString] {
        let table = entity.table
        var conditions: [SQLQueryString] = [ScopeFilter.condition(scope, subject: subject, ownerColumn: "\(table).owner_id")]
        if let pipelineID { conditions.append("\(unsafeRaw: table).pipeline_id = \(bind: pipelineID)") }
        if let stageID { conditions.append("\(unsafeRaw: table).stage_id = \(bind: stageID)") }
        if let ownerID { conditions.append("\(unsafeRaw: table).owner_id = \(bind: ownerID)") }
        if let source, entity == .lead { conditions.append("leads.source = \(bind: source)") }
        if openOnly { conditions.append("\(unsafeRaw: table).closed_at IS NULL") }
        if let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let pattern = "%" + LikePattern.escaped(text.lowercased()) + "%"
            conditions.append("\(unsafeRaw: table).search_key LIKE \(bind: pattern) ESCAPE '\\'")
        }
        return conditions
    }
}

/// Lists and boards over leads and deals: the same SQL for both tables.
public struct PipelineListStore: Sendable {
    public init() {}

    /// A page of the ids `query` names, newest first.
    public func ids(_ entity: PipelineEntity, _ query: PipelineRecordQuery, scope: PermissionScope, subject: AccessSubject,
                    page: PageRequest, on db: any SQLDatabase) async throws -> (ids: [Int64], next: PageCursor?) {
        var conditions = query.conditions(entity, scope: scope, subject: subject)
        if let cursor = page.cursor { conditions.append("\(unsafeRaw: entity.table).id < \(bind: cursor.id)") }
        let ids = try await db.raw("""
            SELECT \(unsafeRaw: entity.table).id FROM \(unsafeRaw: entity.table) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(unsafeRaw: entity.table).id DESC LIMIT \(literal: page.limit + 1)
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
        let more = ids.count > page.limit
        let shown = Array(ids.prefix(page.limit))
        return (shown, more ? shown.last.map { PageCursor(sortValue: "", id: $0) } : nil)
    }

    /// The newest `limit` ids of each of the stages (a board's first screen), in one statement:
    /// one indexed range per stage, joined by UNION ALL; each list newest first.
    public func columnIDs(_ entity: PipelineEntity, _ query: PipelineRecordQuery, stageIDs: [Int64], limit: Int,
                          scope: PermissionScope, subject: AccessSubject, on db: any SQLDatabase) async throws -> [Int64: [Int64]] {
        guard !stageIDs.isEmpty else { return [:] }
        var filter = query
        filter.stageID = nil
        let conditions = filter.conditions(entity, scope: scope, subject: subject)
        let table = entity.table
        let parts: [SQLQueryString] = stageIDs.enumerated().map { index, stageID in
            """
            SELECT stage_id, id FROM (SELECT \(unsafeRaw: table).stage_id, \(unsafeRaw: table).id FROM \(unsafeRaw: table)
            WHERE \(conditions.joined(separator: " AND ")) AND \(unsafeRaw: table).stage_id = \(bind: stageID)
            ORDER BY \(unsafeRaw: table).id DESC LIMIT \(literal: limit)) AS column\(unsafeRaw: String(index))
            """
        }
        var out: [Int64: [Int64]] = [:]
        for row in try await db.raw(parts.joined(separator: " UNION ALL ")).all() {
            out[try row.decode(column: "stage_id", as: Int64.self), default: []].append(try row.decode(column: "id", as: Int64.self))
        }
        for key in out.keys { out[key]?.sort(by: >) }
        return out
    }

    /// A board column's figures.
    public struct ColumnTotals: Sendable, Equatable {
        public var count: Int
        /// Minor units, all currencies added as they are (a pipeline counts in one currency).
        public var sum: Int64

        public init(count: Int, sum: Int64) {
            self.count = count
            self.sum = sum
        }
    }

    /// Count and sum per stage of the pipeline, for the records `query` reaches. Filtered by
    /// pipeline, responsible and scope only, they come from `stage_totals` (kept by triggers,
    /// migration 25): a few hundred rows instead of every record; other filters count the records.
    public func totals(_ entity: PipelineEntity, _ query: PipelineRecordQuery, scope: PermissionScope, subject: AccessSubject,
                       on db: any SQLDatabase) async throws -> [Int64: ColumnTotals] {
        let rows: [any SQLRow]
        if let pipelineID = query.pipelineID, query.stageID == nil, query.source == nil, query.text == nil, !query.openOnly {
            var conditions: [SQLQueryString] = [
                "stage_totals.entity = \(bind: entity.rawValue)", "stage_totals.pipeline_id = \(bind: pipelineID)",
                ScopeFilter.condition(scope, subject: subject, ownerColumn: "stage_totals.owner_id"),
            ]
            if let ownerID = query.ownerID { conditions.append("stage_totals.owner_id = \(bind: ownerID)") }
            rows = try await db.raw("""
                SELECT stage_id, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(total) AS BIGINT) AS total FROM stage_totals
                WHERE \(conditions.joined(separator: " AND ")) GROUP BY stage_id
                """).all()
        } else {
            let conditions = query.conditions(entity, scope: scope, subject: subject)
            rows = try await db.raw("""
                SELECT stage_id, COUNT(*) AS n, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM \(unsafeRaw: entity.table)
                WHERE \(conditions.joined(separator: " AND ")) GROUP BY stage_id
                """).all()
        }
        var totals: [Int64: ColumnTotals] = [:]
        for row in rows {
            totals[try row.decode(column: "stage_id", as: Int64.self)] =
                ColumnTotals(count: try row.decode(column: "n", as: Int.self), sum: try row.decode(column: "total", as: Int64.self))
        }
        return totals
    }

    /// Of `ids`, those with an open task past its deadline.
    public func overdue(_ entity: PipelineEntity, ids: [Int64], now: Date, on db: any SQLDatabase) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        return Set(try await db.raw("""
            SELECT DISTINCT link_id FROM tasks WHERE link_entity = \(bind: entity.rawValue) AND link_id IN (\(binds: ids))
              AND status NOT IN ('done', 'cancelled') AND deadline < \(bind: now.millis)
            """).all().map { try $0.decode(column: "link_id", as: Int64.self) })
    }
}
