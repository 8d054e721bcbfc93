import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

@Suite struct TaskServiceTests {
    static func iso(_ date: Date) -> String { ISO8601.string(date) }


    @Test(arguments: TestDatabase.kinds)
    func a_task_with_a_checklist_people_and_a_link_is_kept_and_listed(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let sales = try await harness.department("Продажи")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: sales.id))
            let boris = try await harness.makeUser("boris@x.example", role: .salesManager, department: sales.id)
            let head = try await harness.principal(try await harness.makeUser("head@x.example", role: .headOfSales, department: sales.id))
            let service = try await harness.department("Сервис")
            let watcher = try await harness.principal(try await harness.makeUser("watch@x.example", role: .support, department: service.id))
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"), by: anna)
            let now = harness.clock.now()
            let tasks = harness.services.tasks
            // MUT: create
            let task = try await tasks.create(TaskInput(
                title: "  Перезвонить клиенту ", description: "Уточнить размеры",
                checklist: [.init(text: "Позвонить"), .init(text: "Отправить КП")], coExecutorIDs: [boris.id, boris.id],
                observerIDs: [head.userID, watcher.userID], startAt: Self.iso(now), deadline: Self.iso(now.addingTimeInterval(3600)),
                reminders: [Self.iso(now.addingTimeInterval(1800))], priority: "high", linkEntity: "company", linkID: company.id),
                by: anna)
            #expect(task.title == "Перезвонить клиенту" && task.ownerID == anna.userID && task.coExecutorIDs == [boris.id])
            #expect(task.status == .new && task.priority == .high && task.link == .init(entity: "company", id: company.id))
            let card = try await tasks.get(task.id, by: anna)
            #expect(card.task == task && card.comments.isEmpty)
            // the lists: mine (responsible or co-executor), observing, given, overdue
            let borisP = try await harness.principal(boris)
            func ids(_ view: TaskStore.View, _ p: Principal) async throws -> [Int64] {
                try await tasks.list(.init(view: view), page: .init(), by: p).items.map(\.id)
            }
            #expect(try await ids(.mine, anna) == [task.id])
            #expect(try await ids(.mine, borisP) == [task.id])
            #expect(try await ids(.observing, head) == [task.id])
            #expect(try await ids(.given, anna).isEmpty)
            #expect(try await ids(.overdue, anna).isEmpty)
            harness.clock.advance(by: 7200)
            #expect(try await ids(.overdue, anna) == [task.id])
            #expect(try await tasks.overdueCount(by: borisP) == 1)
            // the co-executor ticks the checklist and finishes it: no longer overdue
            var checklist = task.checklist
            checklist[0].done = true
            let done = try await tasks.update(task.id, TaskInput(checklist: checklist, status: "done"), expectedVersion: task.version,
                                              by: borisP)
            #expect(done.status == .done && done.completedAt != nil && done.checklist[0].done && done.version == 2)
            #expect(try await tasks.overdueCount(by: anna) == 0)
            // a stale version is refused
            await #expect(throws: RapportError.stale(currentVersion: 2)) {
                try await tasks.update(task.id, TaskInput(title: "x"), expectedVersion: 1, by: anna)
            }
            // an observer reads it but may not change it (unless the role lets them, as the head's does)
            #expect(try await tasks.get(task.id, by: watcher).task.title == "Перезвонить клиенту")
            await #expect(throws: RapportError.forbidden) {
                try await tasks.update(task.id, TaskInput(title: "мой"), expectedVersion: nil, by: watcher)
            }
            #expect(try await tasks.update(task.id, TaskInput(priority: "low"), expectedVersion: nil, by: head).priority == .low)
            let history = try await harness.services.events.list(EventQuery(entity: "task", entityID: task.id), page: .init(),
                                                                 by: try await harness.admin())
            #expect(history.items.contains { $0.changes.contains { $0.field == "status" && $0.new == "done" } })
            // the client's history shows the task and its completion
            let client = try await harness.services.companies.history(company.id, page: .init(), by: anna).items
            #expect(client.contains { $0.changes.contains { $0.field == "task" && $0.new == "Перезвонить клиенту" } })
            #expect(client.contains { $0.changes.contains { $0.field == "task_done" && $0.new == "Перезвонить клиенту" } })
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_tasks_are_refused_with_the_field_named(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let colleague = try await harness.makeUser("colleague@x.example", role: .salesManager, department: a.id)
            let gone = try await harness.makeUser("gone@x.example", role: .salesManager, department: a.id)
            let admin = try await harness.admin()
            _ = try await harness.services.users.disable(gone.id, by: admin)
            let other = try await harness.principal(try await harness.makeUser("other@x.example", role: .salesManager, department: b.id))
            let hidden = try await harness.services.companies.create(CompanyInput(shortName: "Чужая"), by: other)
            let tasks = harness.services.tasks
            let now = harness.clock.now()
            func refusal(_ input: TaskInput) async -> [String] {
                do {
                    _ = try await tasks.create(input, by: anna)
                    return []
                } catch {
                    return fieldCodes(error)
                }
            }
            // a deadline before the start; a reminder in the past; no title
            #expect(await refusal(TaskInput(title: "x", startAt: Self.iso(now), deadline: Self.iso(now.addingTimeInterval(-60))))
                == ["deadline:before_start"])
            #expect(await refusal(TaskInput(title: "x", reminders: [Self.iso(now.addingTimeInterval(-60))])) == ["reminders.0:past"])
            #expect(await refusal(TaskInput(title: " ")) == ["title:required"])
            #expect(await refusal(TaskInput(title: "x", deadline: "завтра")) == ["deadline:invalid"])
            // a disabled responsible; one outside the actor's scope (a manager sets tasks only for themselves)
            #expect(await refusal(TaskInput(title: "x", ownerID: gone.id)) == ["owner_id:disabled"])
            #expect(await refusal(TaskInput(title: "x", ownerID: colleague.id)) == ["\(RapportError.forbidden)"])
            #expect(await refusal(TaskInput(title: "x", observerIDs: [gone.id, 999_999])) ==
                ["observer_ids.0:disabled", "observer_ids.1:not_found"])
            // a record the user cannot see is "not found", like one that does not exist
            #expect(await refusal(TaskInput(title: "x", linkEntity: "company", linkID: hidden.id)) == ["link_id:not_found"])
            #expect(await refusal(TaskInput(title: "x", linkEntity: "company", linkID: 999_999)) == ["link_id:not_found"])
            #expect(await refusal(TaskInput(title: "x", linkEntity: "invoice", linkID: 1)) == ["link_entity:invalid"])
            // nothing was written; someone else's task is not found
            #expect(try await tasks.list(.init(view: .mine), page: .init(), by: anna).items.isEmpty)
            let own = try await tasks.create(TaskInput(title: "своя"), by: other)
            await #expect(throws: RapportError.notFound(entity: "task")) { try await tasks.get(own.id, by: anna) }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func comments_keep_their_text_and_find_mentions(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let olga = try await harness.makeUser("olga.s@kitchen.example")
            let task = try await harness.services.tasks.create(TaskInput(title: "Замер"), by: admin)
            let body = "@olga.s посмотри <script>alert(1)</script>, копия на mail@olga.s и @nobody"
            let comment = try await harness.services.tasks.comment(on: task.id, body: body, by: admin)
            #expect(comment.body == body && comment.mentions == [olga.id])
            #expect(TaskComment.mentionHandles(body) == ["olga.s", "nobody"])
            #expect(try await harness.services.tasks.get(task.id, by: admin).comments.map(\.body) == [body])
            await #expect(throws: RapportError.self) { try await harness.services.tasks.comment(on: task.id, body: "  ", by: admin) }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func the_system_sets_deadlines_in_working_time(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let calendar = BusinessCalendar(timeZone: TimeZone(identifier: "Europe/Moscow")!)
            let now = harness.clock.now()
            let task = try await harness.services.tasks.create(TaskInput(title: "Связаться с клиентом", ownerID: admin.userID),
                                                               due: .workingHours(3), calendar: calendar, by: nil)
            #expect(task.deadline == calendar.adding(hours: 3, to: now) && task.createdBy == nil)
            #expect(calendar.workingSeconds(from: now, to: task.deadline!) == 3 * 3600)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_persons_own_hours_and_zone_count_for_their_deadlines(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            // a measurer who works weekends only, in Novosibirsk
            let measurer = try await harness.makeUser("measurer@x.example")
            _ = try await harness.services.users.update(measurer.id, UserInput(timeZone: "Asia/Novosibirsk",
                                                                               workingHours: "сб-вс 10:00-16:00"),
                                                        expectedVersion: nil, by: admin)
            let own = try await harness.services.workCalendar.calendar(forUser: measurer.id)
            #expect(own.timeZone.identifier == "Asia/Novosibirsk" && own.week.hours(weekday: 6).minutes == 360)
            #expect(!own.week.hours(weekday: 1).isWorking)
            let now = harness.clock.now()
            let task = try await harness.services.tasks.create(TaskInput(title: "Замер", ownerID: measurer.id),
                                                               due: .workingHours(2), calendar: nil, by: nil)
            #expect(task.deadline == own.adding(hours: 2, to: now))
            let local = own.day(of: task.deadline!)
            #expect(local.weekday >= 6)
            // someone without their own hours keeps the company's week
            let company = try await harness.services.workCalendar.calendar()
            #expect(try await harness.services.workCalendar.calendar(forUser: admin.userID).week == company.week)
            // hours that do not read as a week are refused, naming the field
            await #expect(throws: RapportError.self) {
                try await harness.services.users.update(measurer.id, UserInput(workingHours: "по звонку"), expectedVersion: nil,
                                                        by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_persons_open_tasks_are_read_in_deadline_order_from_an_index(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            // The first page of "my tasks" as `TaskStore.list` asks for it: no sort of all the person's tasks.
            let sql = """
                \(kind == .sqlite ? "EXPLAIN QUERY PLAN" : "EXPLAIN") SELECT tasks.id FROM tasks
                WHERE tasks.status NOT IN ('done', 'cancelled') AND tasks.owner_id = 7
                ORDER BY COALESCE(tasks.deadline, 9223372036854775807), tasks.id LIMIT 51
                """
            let plan = try await harness.services.env.database.transaction { db in
                if kind == .postgres { try await db.raw("SET LOCAL enable_seqscan = off").run() }
                return try await db.raw(SQLQueryString(sql)).all().map { row in
                    try row.decode(column: kind == .sqlite ? "detail" : "QUERY PLAN", as: String.self)
                }.joined(separator: "\n")
            }
            #expect(plan.contains("tasks_owner_open") && !plan.contains("TEMP B-TREE") && !plan.contains("Sort"), "\(plan)")
        }
    }
}
