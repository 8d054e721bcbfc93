import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Fills the database with a sales team's years of work, for load tests: sales managers in
/// departments, and tasks and interactions spread over them and over the clients already
/// there (`rapport generate` clients first). Past tasks are mostly done, past interactions
/// held; a share lies ahead (planned) or is overdue. Written in large batches with explicit
/// ids and without events; run it on a database no one else writes to at the time.
public struct WorkGenerator: Sendable {
    let env: ServiceEnvironment
    let batch = 5000

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public struct Summary: Sendable {
        public var users: Int
        public var tasks: Int
        public var interactions: Int
        public var seconds: Double
    }

    static let taskTitles = ["Перезвонить клиенту", "Отправить КП", "Записать на замер", "Подтвердить замер на завтра",
                             "Согласовать дизайн-проект", "Выставить счёт на предоплату", "Проверить поступление предоплаты",
                             "Передать заказ в производство", "Согласовать дату монтажа"]
    static let subjects: [(Interaction.Kind, String)] = [
        (.call, "Кухня в новостройку"), (.email, "КП на кухню"), (.visit, "Замер помещения"), (.meeting, "Показ дизайн-проекта"),
        (.call, "Уточнить размеры"), (.messenger, "Фото фасадов"), (.sms, "Напоминание о замере"), (.note, "Пожелания клиента"),
        (.letter, "Договор на подпись"), (.planned, "Согласовать монтаж"),
    ]

    /// Adds `users` sales managers (in ten departments), `tasks` tasks and `interactions`
    /// interactions; `progress` is told the running totals.
    public func fill(users: Int, tasks: Int, interactions: Int, progress: @Sendable (String) -> Void = { _ in }) async throws
        -> Summary
    {
        try await Database.allowingLongOperations {
            try await self.generate(users: users, tasks: tasks, interactions: interactions, progress: progress)
        }
    }

    func generate(users: Int, tasks: Int, interactions: Int, progress: @Sendable (String) -> Void) async throws -> Summary {
        let started = Date()
        let people = try await makeUsers(users, progress: progress)
        guard !people.isEmpty else { throw RapportError.conflict("no active users: run `rapport demo` first") }
        let (companies, contacts, firstTask, firstInteraction) = try await env.database.read { db in
            func range(_ table: String) async throws -> ClosedRange<Int64>? {
                let row = try await db.raw("SELECT MIN(id) AS low, MAX(id) AS high FROM \(unsafeRaw: table)").first()!
                guard let low = try row.decode(column: "low", as: Int64?.self), let high = try row.decode(column: "high", as: Int64?.self)
                else { return nil }
                return low...high
            }
            func next(_ table: String) async throws -> Int64 {
                try await db.raw("SELECT COALESCE(MAX(id), 0) AS id FROM \(unsafeRaw: table)").first()!
                    .decode(column: "id", as: Int64.self) + 1
            }
            return (try await range("companies"), try await range("contacts"), try await next("tasks"),
                    try await next("interactions"))
        }
        guard let companies else { throw RapportError.conflict("no companies: run `rapport generate` for clients first") }
        var random = DemoClients(seed: UInt64(firstTask &* 17 &+ firstInteraction))
        let now = env.clock.now().millis
        let day: Int64 = 86_400_000

        var done = 0
        while done < tasks {
            let count = min(batch, tasks - done)
            var rows: [[any Encodable & Sendable]] = []
            for offset in 0..<count {
                let id = firstTask + Int64(done + offset)
                let owner = people[(done + offset) % people.count]
                // 70 % of the history is behind (done or cancelled), the rest open: overdue or ahead.
                let open = random.int(0..<10) < 3
                let deadline = open ? now + Int64(random.int(-30..<60)) * day + Int64(random.int(0..<86_400)) * 1000
                    : now - Int64(random.int(1..<730)) * day
                let status = open ? (random.int(0..<4) == 0 ? "in_progress" : "new") : (random.int(0..<10) == 0 ? "cancelled" : "done")
                let company = companies.lowerBound + Int64(random.int(0..<Int(companies.count)))
                rows.append([id, random.pick(Self.taskTitles), owner, deadline - 7 * day, deadline,
                             random.int(0..<8) == 0 ? "high" : "normal", status, "company", company,
                             status == "done" ? deadline : nil as Int64?, owner, deadline - 7 * day, deadline, Int64(1)])
            }
            try await env.database.transaction { [rows] db in
                try await BulkInsert(table: "tasks", columns: [
                    "id", "title", "owner_id", "start_at", "deadline", "priority", "status", "link_entity", "link_id",
                    "completed_at", "created_by", "created_at", "updated_at", "version",
                ]).run(rows, on: db)
            }
            done += count
            if done % 100_000 == 0 || done == tasks { progress("tasks: \(done)/\(tasks)") }
        }

        done = 0
        while done < interactions {
            let count = min(batch, interactions - done)
            var rows: [[any Encodable & Sendable]] = []
            var participants: [[any Encodable & Sendable]] = []
            for offset in 0..<count {
                let id = firstInteraction + Int64(done + offset)
                let owner = people[(done + offset) % people.count]
                let (kind, subject) = random.pick(Self.subjects)
                // Three years back to a month ahead; what lies ahead is planned, a few past ones too (overdue).
                let start = now - Int64(random.int(-30 * 24..<3 * 365 * 24)) * 3_600_000
                let status = start > now || random.int(0..<200) == 0 ? "planned" : "held"
                let company = companies.lowerBound + Int64(random.int(0..<Int(companies.count)))
                rows.append([id, kind.rawValue, subject, start, kind == .visit ? 180 : (kind == .call ? random.int(1..<20) : nil) as Int?,
                             random.int(0..<3) == 0 ? "high" : "medium", status == "held" ? "done" : "no_review", status,
                             owner, "company", company, id, Interaction.threadKey(subject), owner, start, start, Int64(1)])
                if let contacts, offset % 3 == 0 {
                    let contact = contacts.lowerBound + Int64(random.int(0..<Int(contacts.count)))
                    participants.append([id, 0, "contact", contact, nil as String?])
                }
            }
            try await env.database.transaction { [rows, participants] db in
                try await BulkInsert(table: "interactions", columns: [
                    "id", "kind", "subject", "start_at", "duration_minutes", "priority", "state", "status", "owner_id",
                    "link_entity", "link_id", "thread_id", "thread_key", "created_by", "created_at", "updated_at", "version",
                ]).run(rows, on: db)
                try await BulkInsert(table: "interaction_participants",
                                     columns: ["interaction_id", "position", "kind", "ref_id", "name"]).run(participants, on: db)
            }
            done += count
            if done % 500_000 == 0 || done == interactions { progress("interactions: \(done)/\(interactions)") }
        }
        try await env.database.transaction { db in
            guard db.dialect.name != "sqlite" else { return }
            for table in ["tasks", "interactions"] {
                try await db.raw("""
                    SELECT setval(pg_get_serial_sequence('\(unsafeRaw: table)', 'id'), (SELECT MAX(id) FROM \(unsafeRaw: table)))
                    """).run()
            }
        }
        progress("refreshing the query planner's statistics")
        try await env.database.refreshStatistics(full: true)
        return Summary(users: users, tasks: tasks, interactions: interactions, seconds: Date().timeIntervalSince(started))
    }

    /// `count` sales managers `manager1@team.example`… (password `bench-password-1`) in ten
    /// departments under the first one; with none asked, the active users there already.
    func makeUsers(_ count: Int, progress: @Sendable (String) -> Void) async throws -> [Int64] {
        let service = UserService(env: env)
        if count == 0 {
            return try await env.database.read { db in
                try await db.raw("SELECT id FROM users WHERE is_active = \(bind: true) ORDER BY id").all()
                    .map { try $0.decode(column: "id", as: Int64.self) }
            }
        }
        let (role, taken) = try await env.database.read { db in
            (try await RoleStore().find(key: BuiltInRole.salesManager.rawValue, on: db)?.id,
             try await UserStore().emailTaken("manager1@team.example", on: db))
        }
        // Generated once: a second run would find its managers there already.
        if taken { throw RapportError.conflict("generated managers exist already: give --users 0 to spread work over them") }
        let departments = DepartmentService(env: env)
        var teams: [Int64] = []
        for n in 1...10 {
            teams.append(try await departments.create(.init(name: "Группа продаж \(n)"), by: nil).id)
        }
        var ids: [Int64] = []
        var random = DemoClients(seed: 11)
        for n in 1...count {
            let name = random.person()
            let user = try await service.create(
                UserInput(email: "manager\(n)@team.example", password: "bench-password-1", firstName: name.first,
                          lastName: name.last, departmentID: teams[n % teams.count], roleID: role, timeZone: "Europe/Moscow"),
                by: nil)
            ids.append(user.id)
        }
        progress("users: \(count)")
        return ids
    }
}
