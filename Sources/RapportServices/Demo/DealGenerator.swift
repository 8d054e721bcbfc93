import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Many open deals in the first deal pipeline, for load tests of the board and of moves
/// (after `rapport demo`): spread in turn over its open stages that have no gate (so any of
/// them can be moved to any other), each with its stay in the stage, over the active users
/// and the companies there are.
public struct DealGenerator: Sendable {
    let env: ServiceEnvironment
    let batch = 1_000

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public struct Summary: Sendable {
        public var deals: Int
        /// The stages the deals stand in, in the order they were spread over.
        public var stageIDs: [Int64]
        public var firstID: Int64
        public var seconds: Double
    }

    public func fill(deals: Int, progress: @Sendable (String) -> Void = { _ in }) async throws -> Summary {
        try await Database.allowingLongOperations { try await self.generate(deals: deals, progress: progress) }
    }

    func generate(deals: Int, progress: @Sendable (String) -> Void) async throws -> Summary {
        let started = Date()
        let (pipeline, owners, companies, firstID, firstVisit) = try await env.database.read { db in
            let pipeline = try await PipelineStore().list(entity: .deal, on: db).first
            let owners = try await db.raw("SELECT id FROM users WHERE is_active = \(bind: true) ORDER BY id").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
            let companies = try await db.raw("SELECT MIN(id) AS low, MAX(id) AS high FROM companies").first()
            let low = try companies?.decode(column: "low", as: Int64?.self), high = try companies?.decode(column: "high", as: Int64?.self)
            func next(_ table: String) async throws -> Int64 {
                try await db.raw("SELECT COALESCE(MAX(id), 0) AS id FROM \(unsafeRaw: table)").first()!
                    .decode(column: "id", as: Int64.self) + 1
            }
            return (pipeline, owners, low.flatMap { l in high.map { l...$0 } }, try await next("deals"), try await next("stage_visits"))
        }
        guard let pipeline else { throw RapportError.conflict("no deal pipeline: run `rapport demo` first") }
        let stages = pipeline.stages.filter { $0.kind == .open && $0.requiredFields.isEmpty && $0.condition == nil }
        guard !stages.isEmpty, !owners.isEmpty else { throw RapportError.conflict("no open stage without a gate, or no users") }
        var random = DemoClients(seed: UInt64(firstID))
        let now = env.clock.now().millis
        let day: Int64 = 86_400_000
        var done = 0
        while done < deals {
            let count = min(batch, deals - done)
            var rows: [[any Encodable & Sendable]] = []
            var visits: [[any Encodable & Sendable]] = []
            for offset in 0..<count {
                let n = done + offset
                let id = firstID + Int64(n), visit = firstVisit + Int64(n)
                let stage = stages[n % stages.count]
                let entered = now - Int64(random.int(0..<60)) * day
                let owner = owners[n % owners.count]
                let company = companies.map { $0.lowerBound + Int64(random.int(0..<Int($0.count))) }
                let title = "Кухня \(random.pick(["Модерн", "Прованс", "Лофт", "Сканди", "Классика"])) № \(id)"
                rows.append([id, title, company, Int64(random.int(150_000..<2_000_000)) * 100, "RUB", owner, pipeline.id, stage.id,
                             visit, entered, "{}", owner, entered, entered, Int64(1), title.lowercased()])
                visits.append([visit, "deal", id, pipeline.id, stage.id, entered, owner])
            }
            try await env.database.transaction { [rows, visits] db in
                try await BulkInsert(table: "deals", columns: [
                    "id", "title", "company_id", "amount", "currency", "owner_id", "pipeline_id", "stage_id", "stage_visit_id",
                    "stage_entered_at", "custom", "created_by", "created_at", "updated_at", "version", "search_key",
                ], jsonColumns: ["custom"]).run(rows, on: db)
                try await BulkInsert(table: "stage_visits", columns: [
                    "id", "entity", "record_id", "pipeline_id", "stage_id", "entered_at", "moved_by",
                ]).run(visits, on: db)
            }
            done += count
            if done % 20_000 == 0 || done == deals { progress("deals: \(done)/\(deals)") }
        }
        try await env.database.transaction { db in
            guard db.dialect.name != "sqlite" else { return }
            for table in ["deals", "stage_visits"] {
                try await db.raw("""
                    SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'), (SELECT MAX(id) FROM \(unsafeRaw: table)))
                    """).run()
            }
        }
        try await env.database.refreshStatistics(full: true)
        return Summary(deals: deals, stageIDs: stages.map(\.id), firstID: firstID, seconds: Date().timeIntervalSince(started))
    }
}
