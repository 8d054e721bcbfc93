import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The desktop's counts come from counting statements, not from reading lists: each must
/// agree with the lists people open from it.
@Suite struct DesktopCountsTests {
    static func iso(_ date: Date) -> String { ISO8601.string(date) }

    @Test(arguments: TestDatabase.kinds)
    func task_counts_cover_the_responsible_and_the_co_executor(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let anna = try await harness.admin("anna@x.example")
            let boris = try await harness.admin("boris@x.example")
            let tasks = harness.services.tasks
            let now = harness.clock.now()
            let endOfDay = now.addingTimeInterval(6 * 3600)
            func task(_ title: String, deadline: Date?, owner: Principal, helpers: [Int64] = []) async throws -> WorkTask {
                try await tasks.create(TaskInput(title: title, coExecutorIDs: helpers, deadline: deadline.map(Self.iso)),
                                       by: owner)
            }
            _ = try await task("просрочена", deadline: now.addingTimeInterval(-3600), owner: anna)  // a past deadline is allowed
            _ = try await task("сегодня", deadline: now.addingTimeInterval(2 * 3600), owner: anna)
            _ = try await task("Бориса, Анна помогает", deadline: now.addingTimeInterval(3 * 3600), owner: boris,
                               helpers: [anna.userID])
            _ = try await task("завтра", deadline: now.addingTimeInterval(30 * 3600), owner: anna)
            _ = try await task("без срока", deadline: nil, owner: anna)
            let done = try await task("сделана", deadline: now.addingTimeInterval(-7200), owner: anna)
            _ = try await tasks.update(done.id, TaskInput(status: "done"), expectedVersion: nil, by: anna)

            let counts = try await tasks.dayCounts(endOfDay: endOfDay, openCap: 101, by: anna)
            #expect(counts == TaskStore.DayCounts(open: 5, dueLaterToday: 2, overdue: 1))
            #expect(counts.overdue == (try await tasks.overdueCount(by: anna)))
            #expect(try await tasks.dayCounts(endOfDay: endOfDay, openCap: 101, by: boris)
                == TaskStore.DayCounts(open: 1, dueLaterToday: 1, overdue: 0))
            // the open count stops at the cap
            #expect(try await tasks.dayCounts(endOfDay: endOfDay, openCap: 3, by: anna).open == 3)
            // the desktop's list: open tasks due before the end of the day, earliest first
            let due = try await tasks.list(.init(view: .mine, openOnly: true, deadlineBefore: endOfDay), page: .init(limit: 20),
                                           by: anna).items.map(\.title)
            #expect(due == ["просрочена", "сегодня", "Бориса, Анна помогает"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func interaction_counts_cover_taking_part_today_and_overdue_as_responsible(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let anna = try await harness.admin("anna@x.example")
            let boris = try await harness.admin("boris@x.example")
            let service = harness.services.interactions
            let now = harness.clock.now()
            let endOfDay = now.addingTimeInterval(6 * 3600)
            func plan(_ subject: String, at: Date, by owner: Principal, with: [Int64] = []) async throws {
                _ = try await service.create(InteractionInput(
                    kind: "meeting", subject: subject, startAt: Self.iso(at), status: "planned",
                    participants: with.map { .init(kind: "user", id: $0) }), by: owner)
            }
            try await plan("вчерашняя", at: now.addingTimeInterval(-86_400), by: anna)
            try await plan("через час", at: now.addingTimeInterval(3600), by: anna)
            try await plan("Бориса, с Анной", at: now.addingTimeInterval(2 * 3600), by: boris, with: [anna.userID])
            try await plan("Бориса, просрочена", at: now.addingTimeInterval(-3600), by: boris, with: [anna.userID])
            try await plan("послезавтра", at: now.addingTimeInterval(2 * 86_400), by: anna)

            let anna_ = try await service.dayCounts(endOfDay: endOfDay, by: anna)
            #expect(anna_.laterToday == 2 && anna_.overdue == 1)
            #expect(anna_.overdue == (try await service.overdueCount(by: anna)))
            let boris_ = try await service.dayCounts(endOfDay: endOfDay, by: boris)
            #expect(boris_.laterToday == 1 && boris_.overdue == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func the_active_user_count_leaves_out_the_disabled_and_stops_at_the_cap(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            for n in 1...4 { try await harness.makeUser("u\(n)@x.example") }
            let gone = try await harness.makeUser("gone@x.example")
            _ = try await harness.services.users.disable(gone.id, by: nil)
            #expect(try await harness.services.users.activeCount(cap: 500, by: admin) == 5)
            #expect(try await harness.services.users.activeCount(cap: 3, by: admin) == 3)
            let listed = try await harness.services.users.list(.init(isActive: true), page: .init(limit: 500), by: admin).items
            #expect(listed.count == 5)
        }
    }
}
