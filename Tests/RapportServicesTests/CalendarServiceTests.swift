import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct CalendarServiceTests {
    static func iso(_ date: Date) -> String { ISO8601.string(date) }

    @Test(arguments: TestDatabase.kinds)
    func a_calendar_holds_tasks_and_interactions_of_a_person_or_a_team(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let sales = try await harness.department("Продажи")
            let east = try await harness.department("Восток", parent: sales.id)
            let other = try await harness.department("Сервис")
            let head = try await harness.principal(try await harness.makeUser("head@x.example", role: .headOfSales,
                                                                               department: sales.id))
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager,
                                                                               department: east.id))
            let stranger = try await harness.principal(try await harness.makeUser("s@x.example", role: .salesManager,
                                                                                   department: other.id))
            let now = harness.clock.now()
            let from = now.addingTimeInterval(-86_400), before = now.addingTimeInterval(7 * 86_400)
            let task = try await harness.services.tasks.create(TaskInput(title: "Отправить КП",
                                                                         deadline: Self.iso(now.addingTimeInterval(3600))), by: anna)
            let visit = try await harness.services.interactions.create(InteractionInput(
                kind: "visit", subject: "Замер", startAt: Self.iso(now.addingTimeInterval(7200)), durationMinutes: 180,
                status: "planned"), by: anna)
            _ = try await harness.services.interactions.create(InteractionInput(
                kind: "meeting", subject: "Отменена", startAt: Self.iso(now.addingTimeInterval(7200)), status: "cancelled"), by: anna)
            _ = try await harness.services.tasks.create(TaskInput(title: "Чужая", deadline: Self.iso(now.addingTimeInterval(60))),
                                                        by: stranger)
            _ = try await harness.services.tasks.create(TaskInput(title: "Потом", deadline: Self.iso(now.addingTimeInterval(30 * 86_400))),
                                                        by: anna)
            let calendar = harness.services.calendar
            // mine: the task by its deadline, the visit for its three hours; cancelled and later ones left out
            let mine = try await calendar.entries(.me, from: from, before: before, by: anna).entries
            #expect(mine.map(\.title) == ["Отправить КП", "Замер"])
            #expect(mine[1].end == mine[1].start.addingTimeInterval(3 * 3600) && mine[1].interactionKind == .visit)
            // the head sees the department with the one below it; not the other department's
            let team = try await calendar.entries(.department(sales.id), from: from, before: before, by: head)
            #expect(team.entries.map(\.id) == [task.id, visit.id] && !team.truncated)
            #expect(try await calendar.entries(.user(anna.userID), from: from, before: before, by: head).entries.count == 2)
            // a colleague's calendar holds the meeting the head leads and anna takes part in
            let meeting = try await harness.services.interactions.create(InteractionInput(
                kind: "meeting", subject: "Планёрка", startAt: Self.iso(now.addingTimeInterval(86_400)), status: "planned",
                participants: [.init(kind: "user", id: anna.userID)]), by: head)
            #expect(try await calendar.entries(.user(anna.userID), from: from, before: before, by: head).entries.map(\.id)
                .contains(meeting.id))
            // someone outside the scope sees nothing of anna's
            #expect(try await calendar.entries(.user(anna.userID), from: from, before: before, by: stranger).entries.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func moving_an_entry_moves_its_reminders_and_refuses_a_stale_version(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let now = harness.clock.now()
            let day: TimeInterval = 86_400
            let meeting = try await harness.services.interactions.create(InteractionInput(
                kind: "meeting", subject: "Показ проекта", startAt: Self.iso(now.addingTimeInterval(day)), status: "planned",
                reminders: [Self.iso(now.addingTimeInterval(day - 3600))]), by: admin)
            let task = try await harness.services.tasks.create(TaskInput(
                title: "Подтвердить замер", startAt: Self.iso(now), deadline: Self.iso(now.addingTimeInterval(day)),
                reminders: [Self.iso(now.addingTimeInterval(day - 600))]), by: admin)
            let calendar = harness.services.calendar
            try await calendar.move(.interaction, id: meeting.id, to: now.addingTimeInterval(3 * day), expectedVersion: 1, by: admin)
            let moved = try await harness.services.interactions.get(meeting.id, by: admin).interaction
            #expect(moved.startAt == now.addingTimeInterval(3 * day) && moved.reminders == [now.addingTimeInterval(3 * day - 3600)])
            try await calendar.move(.task, id: task.id, to: now.addingTimeInterval(2 * day), expectedVersion: nil, by: admin)
            let card = try await harness.services.tasks.get(task.id, by: admin).task
            #expect(card.deadline == now.addingTimeInterval(2 * day) && card.reminders == [now.addingTimeInterval(2 * day - 600)])
            // moved earlier than its reminder could be: the reminder is dropped, not left in the past
            try await calendar.move(.interaction, id: meeting.id, to: now.addingTimeInterval(1800), expectedVersion: nil, by: admin)
            #expect(try await harness.services.interactions.get(meeting.id, by: admin).interaction.reminders.isEmpty)
            // a version that is no longer current is refused and changes nothing
            await #expect(throws: RapportError.stale(currentVersion: 3)) {
                try await calendar.move(.interaction, id: meeting.id, to: now.addingTimeInterval(day), expectedVersion: 1, by: admin)
            }
            // a task moved before its start takes the start along, so the deadline never precedes it
            try await calendar.move(.task, id: task.id, to: now.addingTimeInterval(-day), expectedVersion: nil, by: admin)
            let early = try await harness.services.tasks.get(task.id, by: admin).task
            #expect(early.deadline == now.addingTimeInterval(-day) && early.startAt == now.addingTimeInterval(-3 * day))
            #expect(early.reminders.isEmpty)
        }
    }
}
