import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct WorkCalendarServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func the_company_calendar_is_kept_checked_and_used_for_deadlines(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let service = harness.services.workCalendar
            #expect(try await service.settings(by: admin).week == .standard)
            // MUT: a six-day week and New Year holidays
            let saved = try await service.update(
                week: ["9:00-18:00", "9:00-18:00", "9:00-18:00", "9:00-18:00", "9:00-18:00", "10:00-14:00", ""],
                days: "# Новый год\n2026-01-01..2026-01-08 выходной\n", expectedVersion: 0, by: admin)
            #expect(saved.version == 1 && saved.days.count == 8 && saved.week.hours(weekday: 6).minutes == 240)
            // bad input: a weekday that does not read, overlapping ranges (the line named), no working time, a stale version
            func fields(_ week: [String]?, _ days: String?, _ version: Int64? = nil) async -> [String] {
                do {
                    _ = try await service.update(week: week, days: days, expectedVersion: version, by: admin)
                    return []
                } catch RapportError.validation(let errors) {
                    return errors.map { "\($0.field): \($0.message)" }
                } catch {
                    return ["\(error)"]
                }
            }
            #expect(await fields(["9-18", "", "", "", "", "", ""], nil) == ["week.0: write the hours like 9:00-13:00,14:00-18:00, in order, within the day"])
            #expect(await fields(nil, "2026-01-01..2026-01-08 holiday\n2026-01-05 short") ==
                ["days: line 2: 2026-01-05 is already given on line 1"])
            #expect(await fields(["", "", "", "", "", "", ""], nil).first?.hasPrefix("week:") == true)
            #expect(await fields(nil, "", 99) == ["\(RapportError.stale(currentVersion: 1))"])
            #expect(try await service.settings(by: admin).version == 1)
            // a row spoilt in the database (not through the service) falls back to the usual week, logged
            try await harness.services.env.database.transaction { db in
                _ = try await WorkCalendarStore().save(week: "garbage", days: "2026-02-30 holiday", expectedVersion: 1,
                                                       at: harness.clock.now(), on: db)
            }
            let spoilt = try await service.settings(by: admin)
            #expect(spoilt.week == .standard && spoilt.days.isEmpty && spoilt.daysText == "2026-02-30 holiday")
            _ = try await service.update(week: nil, days: "# Новый год\n2026-01-01..2026-01-08 выходной\n",
                                         expectedVersion: 2, by: admin)
            // a deadline set by the system counts in this calendar: 3 working hours from
            // 31 December 17:00 Moscow reach 9 January (the 1st–8th are off)
            var moscow = Calendar(identifier: .gregorian)
            moscow.timeZone = TimeZone(identifier: "Europe/Moscow")!
            _ = try await harness.services.settings.update(.init(name: "Кухни", timeZone: "Europe/Moscow"), expectedVersion: nil,
                                                           by: admin)
            let start = moscow.date(from: DateComponents(year: 2025, month: 12, day: 31, hour: 17))!
            harness.clock.advance(by: start.timeIntervalSince(harness.clock.now()))
            let task = try await harness.services.tasks.create(TaskInput(title: "Перезвонить", ownerID: admin.userID),
                                                               due: .workingHours(3), calendar: nil, by: nil)
            #expect(task.deadline == moscow.date(from: DateComponents(year: 2026, month: 1, day: 9, hour: 11)))
        }
    }
}
