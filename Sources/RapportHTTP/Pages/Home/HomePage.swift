import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/`: the desktop. The day's work first — the person's open tasks due today or overdue,
/// with the clients they are about — then the company at a glance and recent activity.
struct HomePage {
    let pages: PageRenderer
    let users: UserService
    let departments: DepartmentService
    let roles: RoleService
    let events: EventService
    let tasks: TaskService
    let interactions: InteractionService
    let panel: DesktopClientPanel
    let support: ClientPageSupport
    let clock: any WallClock

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            var model = try await pages.model(request, context, titleKey: "title_home", nav: "home")
            let now = Date()
            let hour = Formatting.hour(now, timeZone: principal.user.timeZone)
            let greetingKey = hour < 12 ? "greeting_morning" : (hour < 18 ? "greeting_afternoon" : "greeting_evening")
            model["greeting"] = pages.text(greetingKey, locale).replacingOccurrences(of: "%@", with: principal.user.firstName)
            var stats: [[String: Any]] = []
            model.merge(try await today(principal, locale: locale)) { $1 }
            let query = QueryReader(request: request)
            if let choice = DesktopClientPanel.choice(try query.string("client", maxLength: 40)) {
                let names = try await support.owners(selected: nil, by: principal).names
                model.merge(try await panel.model(choice, kind: try query.oneOf("kind", Interaction.Kind.self), names: names,
                                                  by: principal, locale: locale)) { $1 }
            }
            if principal.may(.read, .user) {
                let count = try await users.activeCount(cap: 500, by: principal)
                stats.append(["label": pages.text("stat_users", locale), "value": count >= 500 ? "500+" : String(count),
                              "href": "/admin/users"])
            }
            if principal.may(.read, .department) {
                stats.append(["label": pages.text("stat_departments", locale),
                              "value": String(try await departments.all(by: principal).count),
                              "href": "/admin/departments"])
            }
            if principal.may(.read, .role) {
                stats.append(["label": pages.text("stat_roles", locale),
                              "value": String(try await roles.list(page: .init(limit: 500), by: principal).items.count),
                              "href": "/admin/roles"])
            }
            model["stats"] = stats
            if principal.may(.read, .audit) {
                let recent = try await events.list(.init(), page: .init(limit: 8), by: principal).items
                let names = Dictionary(uniqueKeysWithValues: try await users.list(.init(), page: .init(limit: 500),
                                                                                  by: principal).items.map { ($0.id, $0.displayName) })
                model["recent"] = recent.map { event -> [String: Any] in
                    [
                        "when": Formatting.dateTime(event.occurredAt, locale: locale, timeZone: principal.user.timeZone) ?? "",
                        "actor": event.actorID.map { names[$0] ?? "#\($0)" } ?? pages.text("actor_system", locale),
                        "summary": "\(pages.text("event_\(event.action.rawValue)", locale)): \(pages.text("entity_\(event.entity)", locale)) #\(event.entityID)",
                    ]
                }
            }
            return pages.render("home", model, request: request)
        }
    }

    /// The desktop's "today": the person's open tasks due by the end of their day or overdue and
    /// their planned interactions until then (overdue ones too), by time; the clients they are
    /// about; the counts.
    func today(_ principal: Principal, locale: AppLocale) async throws -> [String: Any] {
        let now = clock.now()
        let zone = principal.user.timeZone
        let local = BusinessCalendar(timeZone: TimeZone(identifier: zone) ?? .gmt)
        let endOfDay = local.instant(local.day(of: now).adding(days: 1), minute: 0)
        // The page shows the first twenty things by time: the twenty earliest due tasks, the
        // twenty latest left from earlier days and the first twenty of today are enough; the
        // counts come from counting, not from reading every open task.
        let shown = 20
        let due = try await tasks.list(.init(view: .mine, openOnly: true, deadlineBefore: endOfDay),
                                       page: .init(limit: shown), by: principal).items
        let taskCounts = try await tasks.dayCounts(endOfDay: endOfDay, openCap: 101, by: principal)
        let startOfDay = local.instant(local.day(of: now), minute: 0)
        // Today's planned ones, and the latest of those left from earlier days (however many there are).
        var todayQuery = InteractionStore.Query(mineOnly: true, pendingOnly: true, from: startOfDay, before: endOfDay)
        var earlierQuery = InteractionStore.Query(mineOnly: true, pendingOnly: true, before: startOfDay, ascending: false)
        todayQuery.withParticipants = false  // the list shows no participants
        earlierQuery.withParticipants = false
        let todays = try await interactions.list(todayQuery, page: .init(limit: shown), by: principal).items
        let earlier = try await interactions.list(earlierQuery, page: .init(limit: shown), by: principal).items
        let planned = earlier.reversed() + todays
        let interactionCounts = try await interactions.dayCounts(endOfDay: endOfDay, by: principal)
        let linked = try await interactions.linkNames(due.compactMap(\.link) + planned.compactMap(\.link), by: principal)
        var items: [(at: Date, row: [String: Any])] = due.map { task in
            (task.deadline ?? now, ["href": "/tasks/\(task.id)", "title": task.title, "overdue": task.isOverdue(at: now),
                                    "badge": pages.text("home_item_task", locale), "badge_class": "badge-muted",
                                    "when": task.deadline.flatMap { Formatting.dateTime($0, locale: locale, timeZone: zone) } ?? "",
                                    "client": task.link.flatMap { linked[$0] } ?? ""])
        }
        items += planned.map { item in
            (item.startAt, ["href": "/interactions/\(item.id)", "title": item.subject, "overdue": item.isOverdue(at: now),
                            "badge": pages.text("interaction_kind_\(item.kind.rawValue)", locale),
                            "badge_class": "badge-kind badge-interaction-\(item.kind.rawValue)",
                            "when": Formatting.dateTime(item.startAt, locale: locale, timeZone: zone) ?? "",
                            "client": item.link.flatMap { linked[$0] } ?? ""])
        }
        items.sort { $0.at < $1.at }
        var clients: [[String: Any]] = []
        var seen = Set<WorkTask.Link>()
        for link in due.compactMap(\.link) + planned.compactMap(\.link) {
            guard let name = linked[link], seen.insert(link).inserted else { continue }
            let panel = DesktopClientPanel.choice("\(link.entity):\(link.id)") != nil
            clients.append(["name": name,
                            "href": panel ? "/?client=\(link.entity):\(link.id)#client-panel" : RecordPaths.path(link.entity, link.id),
                            "card_href": RecordPaths.path(link.entity, link.id)])
        }
        // Still to do today: what is due later today.
        let todayCount = taskCounts.dueLaterToday + interactionCounts.laterToday
        let overdue = taskCounts.overdue, lateInteractions = interactionCounts.overdue
        return [
            "today_tasks": items.prefix(shown).map(\.row),
            "today_clients": clients,
            "work_stats": [
                ["label": pages.text("stat_open_tasks", locale), "value": taskCounts.open > 100 ? "100+" : String(taskCounts.open),
                 "href": "/tasks?view=mine"],
                ["label": pages.text("stat_due_today", locale), "value": String(todayCount), "href": "/tasks?view=mine"],
                ["label": pages.text("stat_overdue", locale), "value": String(overdue), "href": "/tasks?view=overdue",
                 "alert": overdue > 0],
                ["label": pages.text("stat_overdue_interactions", locale), "value": String(lateInteractions),
                 "href": "/interactions", "alert": lateInteractions > 0],
            ] as [[String: Any]],
        ]
    }
}
