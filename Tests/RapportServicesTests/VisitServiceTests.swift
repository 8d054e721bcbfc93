import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Field visits: free slots across the technicians who can make them, booking, and the
/// confirmation loop (a task the working day before, then the technician's task and the
/// client's SMS); a technician disabled after booking has their visit moved to another.
@Suite struct VisitServiceTests {
    static func at(_ text: String) -> Date { ISO8601.parse(text)! }

    @Test func slots_keep_to_working_hours_the_same_day_and_free_time() throws {
        // Wednesday 18 November 2026, 11:06 UTC; hours 9–13 and 14–18.
        let calendar = BusinessCalendar(timeZone: .gmt, week: .standard, exceptions: [:])
        let busy = [DateInterval(start: Self.at("2026-11-19T09:00:00Z"), end: Self.at("2026-11-19T12:00:00Z"))]
        let slots = SlotFinder.slots(for: [.init(id: 7, calendar: calendar, busy: busy)], minutes: 180,
                                     from: Self.at("2026-11-18T11:06:40Z"), to: Self.at("2026-11-20T00:00:00Z"))
        // Today from 11:30 (lunch skipped: 11:30–15:30) to 15:00 (–18:00); tomorrow only after the visit.
        #expect(slots.first == .init(technicianID: 7, start: Self.at("2026-11-18T11:30:00Z"), end: Self.at("2026-11-18T15:30:00Z")))
        #expect(slots.filter { calendar.day(of: $0.start) == CalendarDate("2026-11-18")! }.last?.start == Self.at("2026-11-18T15:00:00Z"))
        let tomorrow = slots.filter { calendar.day(of: $0.start) == CalendarDate("2026-11-19")! }
        #expect(tomorrow.first?.start == Self.at("2026-11-19T12:00:00Z"))
        #expect(slots.allSatisfy { slot in !busy.contains { $0.start < slot.end && slot.start < $0.end } })
        #expect(slots.allSatisfy { calendar.day(of: $0.start) == calendar.day(of: $0.end) && calendar.isWorkingTime($0.start) })
    }

    @Test func fifty_technicians_over_two_weeks_are_searched() {
        let calendar = BusinessCalendar(timeZone: TimeZone(identifier: "Europe/Moscow")!, week: .standard, exceptions: [:])
        let from = Self.at("2026-11-18T06:00:00Z")
        let people = (1...50).map { id in
            SlotFinder.Technician(id: Int64(id), calendar: calendar, busy: (0..<10).map { n in
                let start = from.addingTimeInterval(Double(n * 86_400 + (id % 8) * 3600))
                return DateInterval(start: start, end: start.addingTimeInterval(3 * 3600))
            })
        }
        let slots = SlotFinder.slots(for: people, minutes: 180, from: from, to: from.addingTimeInterval(14 * 86_400), limit: 100_000)
        #expect(slots.count > 1000)
    }

    @Test(arguments: TestDatabase.kinds)
    func a_measurement_is_booked_confirmed_and_moved(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
            func technician(_ email: String, _ name: String, skills: [String]) async throws -> User {
                let user = try await harness.makeUser(email, role: .fieldTechnician, first: name, last: "Замерщиков")
                return try await harness.services.users.update(user.id, UserInput(phone: "+7 903 300-20-0\(user.id % 10)", skills: skills,
                                                                                  regions: ["Москва"]), expectedVersion: nil, by: admin)
            }
            let pavel = try await technician("pavel@x.example", "Павел", skills: ["замер"])
            let fedor = try await technician("fedor@x.example", "Фёдор", skills: ["Замер", "монтаж"])
            let oleg = try await technician("oleg@x.example", "Олег", skills: ["монтаж"])
            let visits = harness.services.visits
            let measurement = try await visits.createKind(name: "Замер", skill: "замер", minutes: 180, by: admin)
            var leadInput = LeadInput()
            (leadInput.firstName, leadInput.lastName) = ("Ирина", "Котова")
            leadInput.phones = ["+7 916 555-12-34"]
            leadInput.amount = MoneyText("250000")
            let lead = try await harness.services.leads.create(leadInput, by: admin)
            let link = (entity: "lead", id: lead.id)

            // Only the two measurers are offered.
            let slots = try await visits.slots(kindID: measurement.id, region: "Москва", from: harness.clock.now(),
                                               to: harness.clock.now().addingTimeInterval(3 * 86_400), by: admin)
            #expect(Set(slots.map(\.technicianID)) == [pavel.id, fedor.id])

            // Friday 10:00 is more than a working day away: a task to confirm it on Thursday.
            let friday = try await visits.book(VisitInput(kindID: measurement.id, technicianID: pavel.id, start: "2026-11-20T10:00:00Z",
                                                          linkEntity: link.entity, linkID: link.id, address: "Москва, ул. Садовая, 5",
                                                          region: "Москва", comments: "Угловая кухня"), by: admin)
            #expect(friday.state == .booked && friday.end == Self.at("2026-11-20T13:00:00Z"))
            let confirm = try await harness.services.tasks.get(try #require(friday.confirmTaskID), by: admin).task
            #expect(confirm.ownerID == admin.userID && confirm.deadline == Self.at("2026-11-19T18:00:00Z"))
            #expect(confirm.title == "Подтвердить с клиентом: замер 20.11.2026 10:00")
            // The same measurer at 11:00 that day: taken.
            await #expect(throws: RapportError.conflict("the technician is not free for the whole visit at that time")) {
                try await visits.book(VisitInput(kindID: measurement.id, technicianID: pavel.id, start: "2026-11-20T11:00:00Z",
                                                 linkEntity: link.entity, linkID: link.id, address: "Москва"), by: admin)
            }

            // Confirmed: the measurer's task with its checklist, the client's SMS, the confirmation done.
            let confirmed = try await visits.confirm(friday.id, expectedVersion: nil, by: admin)
            #expect(confirmed.state == .confirmed)
            let task = try await harness.services.tasks.get(try #require(confirmed.technicianTaskID), by: admin).task
            #expect(task.ownerID == pavel.id && task.checklist.count == 5)
            #expect(task.checklist[0].text == "Клиент: Котова Ирина, +7 916 555-12-34")
            #expect(task.checklist[4].text == "Предварительная цена: 250000.00 RUB")
            #expect(try await harness.services.tasks.get(confirm.id, by: admin).task.status == .done)
            let sms = try await harness.services.env.database.read { db in
                try await OutboxStore().list(link: .init(entity: "lead", id: lead.id), on: db)
            }
            #expect(sms.count == 1 && sms[0].recipient == "+79165551234")
            #expect(sms[0].body.contains("20.11.2026 10:00") && sms[0].body.contains("Павел Замерщиков, +7 903 300-20-0"))

            // The measurer leaves: the visit cannot be confirmed again as it is; moved to Fёдор,
            // tomorrow morning (within a working day: confirmed at once), the old tasks cancelled.
            _ = try await harness.services.users.disable(pavel.id, by: admin)
            let moved = try await visits.reschedule(friday.id, VisitInput(technicianID: fedor.id, start: "2026-11-19T09:00:00Z"),
                                                    expectedVersion: nil, by: admin)
            #expect(moved.technicianID == fedor.id && moved.state == .confirmed)
            #expect(try await harness.services.tasks.get(task.id, by: admin).task.status == .cancelled)

            // Fёдор brings back the measurements: the visit is done, his task closed, the lead's history has them.
            let fedorActs = try await harness.principal(fedor)
            let done = try await visits.recordResults(moved.id, results: "Стена 3200 мм, угол 90°; фасады — матовый белый",
                                                      expectedVersion: nil, by: fedorActs)
            #expect(done.state == .done && done.results?.hasPrefix("Стена 3200") == true)
            #expect(try await harness.services.tasks.get(try #require(moved.technicianTaskID), by: admin).task.status == .done)
            #expect(try await harness.services.leads.history(lead.id, page: .init(), by: admin).items
                .contains { $0.changes.contains { $0.field == "visit_results" } })
            // Someone else's visit is not theirs to write.
            await #expect(throws: RapportError.self) {
                try await visits.recordResults(moved.id, results: "x", expectedVersion: nil, by: try await harness.principal(oleg))
            }

            // Bad bookings name the field.
            func refusal(_ input: VisitInput) async -> [String] {
                do { _ = try await visits.book(input, by: admin); return [] } catch { return fieldCodes(error) }
            }
            #expect(await refusal(VisitInput(kindID: measurement.id, technicianID: fedor.id, start: "2026-11-01T10:00:00Z",
                                             linkEntity: "lead", linkID: lead.id, address: "Москва")) == ["start:past"])
            #expect(await refusal(VisitInput(kindID: measurement.id + 9, technicianID: fedor.id, start: "2026-11-25T10:00:00Z",
                                             linkEntity: "lead", linkID: lead.id, address: "Москва")) == ["kind_id:not_found"])
            #expect(await refusal(VisitInput(kindID: measurement.id, technicianID: pavel.id, start: "2026-11-25T10:00:00Z",
                                             linkEntity: "lead", linkID: lead.id, address: "Москва")) == ["technician_id:not_found"])
            #expect(await refusal(VisitInput(kindID: measurement.id, technicianID: fedor.id, start: "2026-11-25T10:00:00Z",
                                             address: "Москва")) == ["link_id:required"])
        }
    }
}
