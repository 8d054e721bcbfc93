import Foundation
import PropertyBased
@testable import RapportDomain
import Testing

@Suite struct BusinessCalendarTests {
    static let moscow = TimeZone(identifier: "Europe/Moscow")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// A local wall-clock moment in `zone`.
    static func at(_ text: String, _ zone: TimeZone = moscow) -> Date {
        let parts = text.split(separator: " ")
        let day = CalendarDate(String(parts[0]))!
        let clock = parts[1].split(separator: ":").map { Int($0)! }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: clock[0],
                                                  minute: clock[1]))!
    }

    /// Russia's January 2026: New Year holidays to the 8th, the 9th worked.
    static let january = try! ProductionCalendarFile.parse("""
        # Russia
        2026-01-01..2026-01-08 holiday
        2026-01-30 short 60
        2026-01-31 workday 10:00-14:00
        """)

    @Test func days_count_and_weekdays_are_right() {
        #expect(CalendarDate("1970-01-01")!.daysSinceEpoch == 0)
        #expect(CalendarDate("2026-11-29")!.weekday == 7)  // a Sunday
        #expect(CalendarDate("2024-02-28")!.adding(days: 1).description == "2024-02-29")
        #expect(CalendarDate("2025-12-31")!.adding(days: 1).description == "2026-01-01")
        #expect(CalendarDate(daysSinceEpoch: -1).description == "1969-12-31")
        #expect(DayHours(text: "9:00-13:00,14:00-18:00")?.minutes == 480)
        #expect(DayHours(text: "14:00-18:00,9:00-13:00") == nil)  // out of order
        #expect(DayHours(text: "9:00-25:00") == nil)
        #expect(DayHours(text: "9:00-13:00,14:00-18:00")?.shortened(by: 90).description == "9:00-13:00,14:00-16:30")
    }

    @Test func working_time_answers_the_usual_questions() {
        let calendar = BusinessCalendar(timeZone: Self.moscow, exceptions: Self.january)
        #expect(calendar.isWorkingTime(Self.at("2026-01-12 10:00")))   // a Monday
        #expect(!calendar.isWorkingTime(Self.at("2026-01-12 13:30")))  // lunch
        #expect(!calendar.isWorkingTime(Self.at("2026-01-05 10:00")))  // a holiday
        #expect(!calendar.isWorkingTime(Self.at("2026-01-30 17:30")))  // the shortened Friday ends at 17:00
        #expect(calendar.isWorkingTime(Self.at("2026-01-31 11:00")))   // the Saturday worked
        // a deadline that crosses a weekend: Friday 16:00 + 3 working hours = Monday 10:00
        #expect(calendar.adding(hours: 3, to: Self.at("2026-01-16 16:00")) == Self.at("2026-01-19 10:00"))
        // ending exactly at the close stays at the close
        #expect(calendar.adding(hours: 2, to: Self.at("2026-01-16 16:00")) == Self.at("2026-01-16 18:00"))
        // across the holidays: 31 December is working, the next working day is 9 January
        #expect(calendar.adding(hours: 1, to: Self.at("2025-12-31 17:30")) == Self.at("2026-01-09 09:30"))
        #expect(calendar.adding(workingDays: 1, to: Self.at("2025-12-31 15:00")) == Self.at("2026-01-09 15:00"))
        // outside working time a day counts from the next opening
        #expect(calendar.adding(workingDays: 1, to: Self.at("2026-01-17 12:00")) == Self.at("2026-01-20 09:00"))
        #expect(calendar.adding(workingDays: 0, to: Self.at("2026-01-12 13:30")) == Self.at("2026-01-12 14:00"))
        // a time past a shorter day's close is that day's close
        #expect(calendar.adding(workingDays: 1, to: Self.at("2026-01-29 17:30")) == Self.at("2026-01-30 17:00"))
        #expect(calendar.workingSeconds(from: Self.at("2026-01-16 17:00"), to: Self.at("2026-01-19 10:00")) == 2 * 3600)
        #expect(calendar.workingSeconds(from: Self.at("2026-01-19 10:00"), to: Self.at("2026-01-16 17:00")) == -2 * 3600)
        #expect(calendar.nextWorkingMoment(atOrAfter: Self.at("2026-01-03 10:00")) == Self.at("2026-01-09 09:00"))
    }

    @Test func clock_changes_keep_the_hours_by_the_clock() {
        // Berlin moves to summer time on Sunday 29 March 2026 and back on Sunday 25 October.
        let calendar = BusinessCalendar(timeZone: Self.berlin, week: WorkWeek(
            [DayHours(text: "9:00-18:00")!] + [DayHours](repeating: DayHours(text: "9:00-18:00")!, count: 6))!)
        for day in ["2026-03-29", "2026-10-25"] {
            #expect(calendar.workingSeconds(from: Self.at("\(day) 00:00", Self.berlin), to: Self.at("\(day) 23:59", Self.berlin))
                == 9 * 3600)
            #expect(calendar.adding(workingDays: 1, to: Self.at("\(day) 10:00", Self.berlin))
                == Self.at("\(CalendarDate(day)!.adding(days: 1)) 10:00", Self.berlin))
        }
        // 17:00 Saturday + 2 working hours crosses the night the clocks change
        #expect(calendar.adding(hours: 2, to: Self.at("2026-03-28 17:00", Self.berlin)) == Self.at("2026-03-29 10:00", Self.berlin))
    }

    /// A moment in 2026, to the minute.
    static let moments = Gen.int(in: 0...(365 * 24 * 60 - 1)).map { Date(timeIntervalSince1970: 1_767_225_600 + Double($0) * 60) }

    @Test func added_working_time_is_exactly_the_working_time_between() async {
        for zone in [Self.moscow, Self.berlin, TimeZone(identifier: "America/New_York")!] {
            let calendar = BusinessCalendar(timeZone: zone, exceptions: Self.january)
            await propertyCheck(count: 150, input: Self.moments, Gen.int(in: 0...(40 * 60))) { start, minutes in
                let end = calendar.adding(seconds: Double(minutes * 60), to: start)
                #expect(end >= start)
                #expect(calendar.workingSeconds(from: start, to: end) == Double(minutes * 60))
                // it ends in working time, or at a closing
                let closing = calendar.intervals(on: calendar.day(of: end)).contains { $0.end == end }
                #expect(minutes == 0 || calendar.isWorkingTime(end) || closing)
                // more time never ends earlier
                #expect(calendar.adding(seconds: Double(minutes * 60 + 60), to: start) >= end)
            }
        }
    }

    @Test func working_days_land_on_working_days_and_holidays_never_work() async {
        let calendar = BusinessCalendar(timeZone: Self.moscow, exceptions: Self.january)
        await propertyCheck(count: 200, input: Self.moments, Gen.int(in: 0...30)) { start, days in
            let end = calendar.adding(workingDays: days, to: start)
            #expect(calendar.isWorkingDay(calendar.day(of: end)))
            #expect(end >= start)
            if days > 0 { #expect(calendar.day(of: end) > calendar.day(of: calendar.nextWorkingMoment(atOrAfter: start))) }
            let day = calendar.day(of: start)
            if Self.january[day] == .dayOff { #expect(!calendar.isWorkingTime(start)) }
        }
    }

    @Test func a_calendar_file_with_mistakes_names_the_line() throws {
        func failure(_ text: String) -> ProductionCalendarFile.Failure? {
            do {
                _ = try ProductionCalendarFile.parse(text)
                return nil
            } catch {
                return error as? ProductionCalendarFile.Failure
            }
        }
        // overlapping ranges
        #expect(failure("2026-01-01..2026-01-08 holiday\n2026-01-07..2026-01-10 holiday") ==
            .init(line: 2, message: "2026-01-07 is already given on line 1"))
        #expect(failure("2026-01-08..2026-01-01 holiday")?.message.contains("ends before") == true)
        #expect(failure("2026-01-01..2027-01-01 holiday")?.message.contains("longer") == true)
        #expect(failure("2026-02-30 holiday")?.line == 1)
        #expect(failure("\n# comment\n2026-03-07 vacation")?.line == 3)
        #expect(failure("2026-03-07 short 0") != nil)
        #expect(failure("2026-03-07 workday 18:00-9:00") != nil)
        #expect(failure("2026-03-07") != nil)
        // Russian words, comments and a round trip
        let rules = try ProductionCalendarFile.parse("2026-03-07 сокращённый # перед 8 марта\n2026-03-09 выходной\n")
        #expect(rules == [CalendarDate("2026-03-07")!: .shortened(minutes: 60), CalendarDate("2026-03-09")!: .dayOff])
        #expect(try ProductionCalendarFile.parse(ProductionCalendarFile.text(Self.january)) == Self.january)
        // a form sends CRLF line breaks
        #expect(try ProductionCalendarFile.parse("2026-01-01..2026-01-02 holiday\r\n2026-01-05 short\r\n").count == 3)
    }
}

@Suite struct ICalendarTests {
    @Test func a_feed_is_written_as_rfc_5545_asks() {
        let start = Date(timeIntervalSince1970: 1_772_355_600)  // 2026-03-01T09:00:00Z
        let calendar = ICalendar(name: "Rapport — Ольга", events: [
            ICalendar.Event(uid: "task-7@rapport", start: start, duration: 1800,
                            summary: "Замер; кухня, угловая", description: "Первая строка\nвторая \\ третья",
                            url: "https://crm.example/tasks/7", location: "ул. Ленина, 5; кв. 12",
                            alarms: [start.addingTimeInterval(-3600)]),
            ICalendar.Event(uid: "task-8@rapport", start: start, duration: 1800, summary: String(repeating: "я", count: 60),
                            cancelled: true),
        ])
        let text = calendar.text(now: start)
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:") && text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))  // every line ends CRLF
        #expect(text.contains("DTSTART:20260301T090000Z\r\nDTEND:20260301T093000Z\r\n"))
        #expect(text.contains("SUMMARY:Замер\\; кухня\\, угловая\r\n"))
        #expect(text.contains("LOCATION:ул. Ленина\\, 5\\; кв. 12\r\n"))
        #expect(text.contains("DESCRIPTION:Первая строка\\nвторая \\\\ третья\r\n"))
        #expect(text.contains("TRIGGER;VALUE=DATE-TIME:20260301T080000Z\r\n") && text.contains("STATUS:CANCELLED"))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(text.components(separatedBy: "BEGIN:VEVENT").count == 3 && text.contains("DTSTAMP:20260301T090000Z"))
    }
}

@Suite struct WeekScheduleTests {
    @Test func a_week_is_read_as_people_write_it() throws {
        let week = try WeekSchedule.parse("пн–пт 09:00-13:00,14:00-18:00; сб 10:00-14:00").get()
        #expect(week.hours(weekday: 1) == DayHours(text: "9:00-13:00,14:00-18:00"))
        #expect(week.hours(weekday: 5).minutes == 480 && week.hours(weekday: 6).minutes == 240 && !week.hours(weekday: 7).isWorking)
        let english = try WeekSchedule.parse("Mon,Wed 8:00-12:00\nFri 9:00-16:45").get()
        #expect(english.hours(weekday: 1).minutes == 240 && !english.hours(weekday: 2).isWorking && english.hours(weekday: 5).minutes == 465)
        #expect(WeekSchedule.parse("  ") == .failure(.empty))
        #expect(WeekSchedule.parse("по звонку") == .failure(.unreadable("по звонку")))
        #expect(WeekSchedule.parse("пт-пн 9:00-18:00") == .failure(.unreadable("пт-пн 9:00-18:00")))
        #expect(WeekSchedule.parse("пн-пт 9:00-18:00; пт 10:00-12:00") == .failure(.repeated("пт 10:00-12:00")))
        #expect(WeekSchedule.parse("пн 18:00-09:00") == .failure(.unreadable("пн 18:00-09:00")))
    }
}
