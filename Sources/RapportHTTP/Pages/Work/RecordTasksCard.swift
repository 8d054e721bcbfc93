import Foundation
import RapportDomain
import RapportServices
import RapportStore

/// The "Tasks" card on a client's page: its open tasks, overdue ones marked, and a button
/// that opens the new-task form already about this client.
struct RecordTasksCard {
    let pages: PageRenderer
    let tasks: TaskService
    let clock: any WallClock

    func model(_ entity: String, _ id: Int64, names: [Int64: String], by principal: Principal, locale: AppLocale)
        async throws -> [String: Any]
    {
        guard principal.may(.read, .task) else { return [:] }
        let page = try await tasks.list(.init(view: .all, openOnly: true, link: .init(entity: entity, id: id)),
                                        page: .init(limit: 20), by: principal)
        let now = clock.now()
        return [
            "tasks_card": true,
            "record_tasks": page.items.map { task -> [String: Any] in
                ["href": "/tasks/\(task.id)", "title": task.title, "overdue": task.isOverdue(at: now),
                 "deadline": task.deadline.flatMap { Formatting.dateTime($0, locale: locale, timeZone: principal.user.timeZone) } ?? "",
                 "owner_name": names[task.ownerID] ?? "#\(task.ownerID)"]
            },
            "record_tasks_more": page.nextCursor != nil,
            "record_task_new": principal.may(.create, .task) ? "/tasks/new?link_entity=\(entity)&link_id=\(id)" : "",
            "record_tasks_all": "/tasks?view=all&link_entity=\(entity)&link_id=\(id)",
        ]
    }
}
