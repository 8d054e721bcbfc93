import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct TimerAndNotificationTests {
    static func iso(_ date: Date) -> String { ISO8601.string(date) }

    @Test(arguments: TestDatabase.kinds)
    func a_reminder_fires_once_late_or_on_time_and_never_for_a_closed_task(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let helper = try await harness.principal(try await harness.makeUser("helper@test.example"))
            let now = harness.clock.now()
            let task = try await harness.services.tasks.create(TaskInput(
                title: "Замер у Морозовых", coExecutorIDs: [helper.userID], deadline: Self.iso(now.addingTimeInterval(7200)),
                reminders: [Self.iso(now.addingTimeInterval(600))]), by: admin)
            let timers = harness.services.timers, notifications = harness.services.notifications
            // MUT: not yet due
            #expect(try await timers.fireDue() == 0)
            // the process was down at the moment: it fires when it looks again, once
            harness.clock.advance(by: 86_400)
            #expect(try await timers.fireDue() == 1)
            #expect(try await timers.fireDue() == 0)
            for person in [admin, helper] {
                let list = try await notifications.list(page: .init(), by: person).items
                #expect(list.count == 1 && list[0].kind == TimerService.taskReminder && list[0].title == "Замер у Морозовых")
                #expect(list[0].link == "/tasks/\(task.id)" && list[0].body == task.deadline.map(Self.iso))
                #expect(try await notifications.unreadCount(by: person) == 1)
            }
            // a closed task's reminder does not fire; reopening with a new reminder schedules it
            let later = harness.clock.now().addingTimeInterval(600)
            let updated = try await harness.services.tasks.update(task.id, TaskInput(reminders: [Self.iso(later)]),
                                                                  expectedVersion: nil, by: admin)
            _ = try await harness.services.tasks.update(task.id, TaskInput(status: "done"), expectedVersion: updated.version,
                                                        by: admin)
            harness.clock.advance(by: 3600)
            #expect(try await timers.fireDue() == 0)
            #expect(try await notifications.unreadCount(by: admin) == 1)
            // reading: one, then all; someone else's is not found
            let first = try await notifications.list(page: .init(), by: admin).items[0]
            #expect(try await notifications.markRead(first.id, by: admin).readAt != nil)
            #expect(try await notifications.unreadCount(by: admin) == 0)
            await #expect(throws: RapportError.notFound(entity: "notification")) {
                try await notifications.markRead(first.id, by: helper)
            }
            #expect(try await notifications.markAllRead(by: helper) == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_fire_cut_off_mid_way_fires_later_and_concurrent_firers_never_share(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let now = harness.clock.now()
            var ids: [Int64] = []
            for index in 0..<40 {
                let task = try await harness.services.tasks.create(
                    TaskInput(title: "Задача \(index)", reminders: [Self.iso(now.addingTimeInterval(60))]), by: admin)
                ids.append(task.id)
            }
            harness.clock.advance(by: 120)
            // a firer that dies after claiming: its transaction rolls back, the timers stay due
            struct Crash: Error {}
            await #expect(throws: Crash.self) {
                try await harness.services.env.database.transaction { db in
                    #expect(try await TimerStore().claimDue(now: harness.clock.now(), limit: 10, on: db).count == 10)
                    throw Crash()
                }
            }
            // MUT: four firers at once, small batches
            let timers = harness.services.timers
            let fired = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var total = 0
                        while true {
                            let n = try await timers.fireDue(limit: 3)
                            if n == 0 { return total }
                            total += n
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            // validation: every reminder fired exactly once
            #expect(fired == 40)
            let list = try await harness.services.notifications.list(page: .init(limit: 100), by: admin).items
            #expect(list.count == 40 && Set(list.map(\.link)).count == 40)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_mention_tells_the_colleague(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let olga = try await harness.principal(try await harness.makeUser("olga@test.example"))
            let task = try await harness.services.tasks.create(TaskInput(title: "КП для Морозовых"), by: admin)
            let comment = try await harness.services.tasks.comment(on: task.id, body: "@olga проверь цены", by: admin)
            let list = try await harness.services.notifications.list(page: .init(), by: olga).items
            #expect(list.map(\.kind) == ["mention"] && list[0].body == "@olga проверь цены")
            #expect(list[0].source == "comment:\(comment.id)" && list[0].link == "/tasks/\(task.id)#comments")
            // the author is not told about their own words
            #expect(try await harness.services.notifications.unreadCount(by: admin) == 0)
            // a person who turned mentions off is not told
            let settings = harness.services.notifications
            #expect(try await settings.enabledKinds(by: olga) == NotificationService.kinds)
            #expect(try await settings.setEnabledKinds([TimerService.taskReminder], by: olga) == [TimerService.taskReminder])
            _ = try await harness.services.tasks.comment(on: task.id, body: "@olga ещё раз", by: admin)
            #expect(try await settings.unreadCount(by: olga) == 1)
            await #expect(throws: RapportError.self) { try await settings.setEnabledKinds(["sms"], by: olga) }
        }
    }
}
