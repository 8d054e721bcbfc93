import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The board (kanban) of a pipeline: a column per stage with its count and sum and its
/// newest cards, within what the principal may read and the filters chosen.
public struct BoardService: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public struct Card: Sendable, Equatable {
        public var id: Int64
        public var title: String
        /// The client as the card names it (a lead's person or company; a deal's client).
        public var client: String?
        public var amount: Int64?
        public var currency: String
        public var ownerID: Int64
        public var stageID: Int64
        public var enteredAt: Date
        /// An open task about it is past its deadline.
        public var overdue: Bool
        public var version: Int64
    }

    public struct Column: Sendable {
        public var stage: Stage
        public var count: Int
        public var sum: Int64
        public var cards: [Card]
        /// Where the next cards of the column start, when there are more.
        public var next: PageCursor?
    }

    public struct Board: Sendable {
        public var pipeline: Pipeline
        public var columns: [Column]
    }

    public static let cardsPerColumn = 20

    /// The newest change to any record of the entity, for open boards to notice others' moves.
    public func latestChange(_ entity: PipelineEntity, by principal: Principal) async throws -> Int64 {
        try Access.requireAny(principal, .read, entity.permission)
        return try await env.database.read { db in try await EventStore().latestID(entity: entity.rawValue, on: db) }
    }

    /// The board's first screen; `query.pipelineID` names the pipeline (by default the
    /// entity's first), its stage filter is ignored.
    public func board(_ entity: PipelineEntity, _ query: PipelineRecordQuery, by principal: Principal) async throws -> Board {
        try Access.requireAny(principal, .read, entity.permission)
        let now = env.clock.now()
        return try await env.database.read { db in
            let store = PipelineStore()
            let found = if let id = query.pipelineID { try await store.find(id: id, on: db) } else {
                try await store.list(entity: entity, on: db).first
            }
            guard let pipeline = found, pipeline.entity == entity else { throw RapportError.notFound(entity: "pipeline") }
            var filter = query
            filter.pipelineID = pipeline.id
            filter.stageID = nil
            let scope = principal.scope(entity.permission, .read)
            let totals = try await PipelineListStore().totals(entity, filter, scope: scope, subject: principal.subject, on: db)
            // The first screen of every column in one statement, then their records, overdue
            // marks and clients for all of them at once.
            let filled = pipeline.stages.filter { (totals[$0.id]?.count ?? 0) > 0 }.map(\.id)
            let ids = try await PipelineListStore().columnIDs(entity, filter, stageIDs: filled, limit: Self.cardsPerColumn,
                                                              scope: scope, subject: principal.subject, on: db)
            let cards = try await self.cards(entity, ids: ids.values.flatMap { $0 }, now: now, db)
            var columns: [Column] = []
            for stage in pipeline.stages {
                let figures = totals[stage.id] ?? .init(count: 0, sum: 0)
                let shown = (ids[stage.id] ?? []).compactMap { cards[$0] }
                columns.append(Column(stage: stage, count: figures.count, sum: figures.sum, cards: shown,
                                      next: figures.count > shown.count ? shown.last.map { PageCursor(sortValue: "", id: $0.id) } : nil))
            }
            return Board(pipeline: pipeline, columns: columns)
        }
    }

    /// The cards of these records by id, with their overdue marks and client names.
    func cards(_ entity: PipelineEntity, ids: [Int64], now: Date, _ db: any SQLDatabase) async throws -> [Int64: Card] {
        guard !ids.isEmpty else { return [:] }
        let overdue = try await PipelineListStore().overdue(entity, ids: ids, now: now, on: db)
        var out: [Int64: Card] = [:]
        switch entity {
        case .lead:
            for lead in try await LeadStore().find(ids: ids, on: db) {
                out[lead.id] = Card(id: lead.id, title: lead.title, client: lead.clientName ?? lead.companyName, amount: lead.amount,
                                    currency: lead.currency, ownerID: lead.ownerID, stageID: lead.place.stageID,
                                    enteredAt: lead.place.enteredAt, overdue: overdue.contains(lead.id), version: lead.version)
            }
        case .deal:
            let deals = try await DealStore().find(ids: ids, on: db)
            let links = deals.flatMap { deal in
                [deal.companyID.map { ("company", $0) }, deal.contactID.map { ("contact", $0) }].compactMap { $0 }
            }
            let names = try await SearchStore().summaries(links.map { (entity: $0.0, id: $0.1) }, on: db)
            for deal in deals {
                let client = deal.companyID.flatMap { names["company"]?[$0]?.name } ?? deal.contactID.flatMap { names["contact"]?[$0]?.name }
                out[deal.id] = Card(id: deal.id, title: deal.title, client: client, amount: deal.amount, currency: deal.currency,
                                    ownerID: deal.ownerID, stageID: deal.place.stageID, enteredAt: deal.place.enteredAt,
                                    overdue: overdue.contains(deal.id), version: deal.version)
            }
        }
        return out
    }
}
