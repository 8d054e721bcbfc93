import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/calendar`: a day, a week (hours × days) or a month of tasks and interactions, of the
/// user, a colleague or a department; entries are dragged to another day or hour (the
/// page posts `/calendar/move`), or opened to be changed.
struct CalendarPages {
    let pages: PageRenderer
    let calendar: CalendarService
    let users: UserService
    let departments: DepartmentService
    let support: ClientPageSupport
    let clock: any WallClock

    enum View: String, CaseIterable {
        case day, week, month
    }

    /// The hours a day or week shows at least; earlier or later entries widen it.
    static let firstHour = 8, lastHour = 20

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("calendar") { request, context in
            try await page(request, context)
        }
        group.post("calendar/move") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let back = localPath(form["return"], under: "/calendar") ?? "/calendar"
            guard let source = form["source"].flatMap(CalendarService.Entry.Source.init(rawValue:)), let id = form.id("id"),
                  let moment = Formatting.parseLocalInput("\(form["date"] ?? "")T\(form["time"] ?? "")",
                                                          timeZone: principal.user.timeZone)
            else { return pages.redirect(to: back, flash: "flash_calendar_move_refused") }
            do {
                try await calendar.move(source, id: id, to: moment, expectedVersion: form.id("version"), by: principal)
            } catch RapportError.validation, RapportError.stale {
                // A reminder that would fall in the past, a deadline before the start, or a change meanwhile.
                return pages.redirect(to: back, flash: "flash_calendar_move_refused")
            }
            return pages.redirect(to: back, flash: "flash_calendar_moved")
        }
    }

    func page(_ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = QueryReader(request: request)
        let locale = pages.locale(request, context)
        let zone = principal.user.timeZone
        let local = BusinessCalendar(timeZone: Formatting.zone(zone))
        let view = try query.oneOf("view", View.self) ?? .week
        let today = local.day(of: clock.now())
        var anchor = today
        if let text = try query.string("date", maxLength: 10) {
            guard let day = CalendarDate(text) else { throw RapportError.invalid("date", "invalid", "date must be YYYY-MM-DD") }
            anchor = day
        }
        var people = CalendarService.People.me
        var whoParameter = ""
        // `who`: `me`, `user:ID` or `team:ID`, as the page's select sends it.
        if let who = try query.string("who", maxLength: 30), who != "me" {
            let parts = who.split(separator: ":")
            guard parts.count == 2, let id = Int64(parts[1]), id > 0, parts[0] == "user" || parts[0] == "team" else {
                throw RapportError.invalid("who", "invalid", "who must be me, user:ID or team:ID")
            }
            people = parts[0] == "team" ? .department(id) : id == principal.userID ? .me : .user(id)
            if people != .me { whoParameter = "&who=\(who)" }
        }
        // The days shown: one; Monday to Sunday; the weeks that cover the month.
        let first: CalendarDate, count: Int, step: (CalendarDate, Int) -> CalendarDate
        switch view {
        case .day:
            first = anchor; count = 1
            step = { day, n in day.adding(days: n) }
        case .week:
            first = anchor.adding(days: 1 - anchor.weekday); count = 7
            step = { day, n in day.adding(days: 7 * n) }
        case .month:
            let firstOfMonth = CalendarDate(year: anchor.year, month: anchor.month, day: 1)!
            let months = anchor.year * 12 + anchor.month
            let nextMonth = CalendarDate(year: months / 12, month: months % 12 + 1, day: 1)!
            first = firstOfMonth.adding(days: 1 - firstOfMonth.weekday)
            // Whole weeks from the one holding the 1st to the one holding the last day.
            count = ((nextMonth.daysSinceEpoch - first.daysSinceEpoch + 6) / 7) * 7
            step = { day, n in
                let months = day.year * 12 + day.month - 1 + n
                return CalendarDate(year: months / 12, month: months % 12 + 1, day: 1)!
            }
        }
        let days = (0..<count).map { first.adding(days: $0) }
        let span = try await calendar.entries(people, from: local.instant(first, minute: 0),
                                              before: local.instant(first.adding(days: count), minute: 0), by: principal)
        let entries = span.entries
        // Working days are shaded by the calendar of whoever it is (the company's for a department).
        let working = try await calendar.workingCalendar(people, by: principal)
        let (_, names) = try await support.owners(selected: nil, by: principal)
        let team: Bool = if case .department = people { true } else { false }
        func entryModel(_ e: CalendarService.Entry) -> [String: Any] {
            let start = Formatting.clock(e.start, timeZone: zone)
            let time = e.end.map { "\(start)–\(Formatting.clock($0, timeZone: zone))" } ?? start
            let minute = Formatting.local(e.start, zone).minute
            return [
                "href": e.source == .task ? "/tasks/\(e.id)" : "/interactions/\(e.id)", "title": e.title, "time": time,
                "source": e.source.rawValue, "id": e.id, "version": e.version, "minute": String(format: "%02d", minute),
                "clock": start, "overdue": e.overdue, "done": e.status == "done", "held": e.status == "held",
                "badge_class": e.interactionKind.map { "calendar-interaction-\($0.rawValue)" } ?? "calendar-task",
                "kind_label": e.interactionKind.map { pages.text("interaction_kind_\($0.rawValue)", locale) }
                    ?? pages.text("home_item_task", locale),
                "owner": team ? ClientPageSupport.initials(names[e.ownerID]) : "",
                "owner_name": names[e.ownerID] ?? "",
            ]
        }
        let byDay = Dictionary(grouping: entries) { local.day(of: $0.start) }
        var model = try await pages.model(request, context, titleKey: "title_schedule", nav: "schedule")
        let base = "/calendar?view=\(view.rawValue)\(whoParameter)"
        model["views"] = View.allCases.map { v in
            ["href": "/calendar?view=\(v.rawValue)&date=\(anchor)\(whoParameter)", "label": pages.text("calendar_view_\(v.rawValue)", locale),
             "current": v == view] as [String: Any]
        }
        model["prev_url"] = "\(base)&date=\(step(anchor, -1))"
        model["next_url"] = "\(base)&date=\(step(anchor, 1))"
        model["today_url"] = "\(base)&date=\(today)"
        model["return"] = "\(base)&date=\(anchor)"
        model["heading"] = heading(view, first: first, anchor: anchor, last: days.last!, locale: locale)
        model["is_month"] = view == .month
        model["weekday_names"] = (0..<7).map { pages.text("weekday_short_\($0 + 1)", locale) }
        if view == .month {
            model["weeks"] = stride(from: 0, to: count, by: 7).map { offset -> [String: Any] in
                ["days": days[offset..<offset + 7].map { day -> [String: Any] in
                    let list = byDay[day] ?? []
                    var cell: [String: Any] = ["date": day.description, "number": day.day, "in_month": day.month == anchor.month,
                                               "is_today": day == today, "day_url": "/calendar?view=day&date=\(day)\(whoParameter)",
                                               "entries": list.prefix(4).map(entryModel)]
                    if list.count > 4 { cell["more"] = list.count - 4 }
                    return cell
                }]
            }
        } else {
            let hours = entries.map { Formatting.local($0.start, zone).hour }
            let low = min(Self.firstHour, hours.min() ?? Self.firstHour), high = max(Self.lastHour, hours.max() ?? Self.lastHour)
            model["columns"] = days.map { day -> [String: Any] in
                ["label": "\(pages.text("weekday_short_\(day.weekday)", locale)) \(day.day)", "is_today": day == today,
                 "day_url": "/calendar?view=day&date=\(day)\(whoParameter)", "working": working.isWorkingDay(day)]
            }
            model["rows"] = (low...high).map { hour -> [String: Any] in
                ["hour": String(format: "%02d:00", hour), "cells": days.map { day -> [String: Any] in
                    ["date": day.description, "hour": hour, "is_today": day == today,
                     "entries": (byDay[day] ?? []).filter { Formatting.local($0.start, zone).hour == hour }.map(entryModel)]
                }]
            }
        }
        model["empty"] = entries.isEmpty
        model["truncated"] = span.truncated
        model.merge(try await whoOptions(people, principal: principal, names: names, locale: locale)) { $1 }
        model["view"] = view.rawValue
        model["date"] = anchor.description
        return pages.render("calendar", model, request: request)
    }

    func heading(_ view: View, first: CalendarDate, anchor: CalendarDate, last: CalendarDate, locale: AppLocale) -> String {
        switch view {
        case .day: return "\(pages.text("weekday_long_\(anchor.weekday)", locale)), \(Formatting.date(anchor, locale: locale))"
        case .week: return "\(Formatting.date(first, locale: locale)) – \(Formatting.date(last, locale: locale))"
        case .month: return "\(pages.text("month_\(anchor.month)", locale)) \(anchor.year)"
        }
    }

    /// The "whose calendar" choice: me, a colleague, a department — others only when the role
    /// may read others' tasks or interactions.
    func whoOptions(_ people: CalendarService.People, principal: Principal, names: [Int64: String], locale: AppLocale)
        async throws -> [String: Any]
    {
        guard principal.may(.read, .task) || principal.may(.read, .activity) else { return [:] }
        let colleagues = try await users.list(.init(isActive: true, sort: .lastName), page: .init(limit: PageRequest.maxLimit),
                                              by: principal).items.filter { $0.id != principal.userID }
        let teams = principal.may(.read, .department) ? try await departments.all(by: principal) : []
        return [
            "who_choice": true,
            "who_me": people == .me,
            "who_users": colleagues.map { PageModel.option("user:\($0.id)", $0.displayName, selected: people == .user($0.id)) },
            "who_teams": teams.map { PageModel.option("team:\($0.id)", $0.name, selected: people == .department($0.id)) },
        ]
    }
}
