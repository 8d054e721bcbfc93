import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/tasks`: the task lists (mine, observing, given, overdue, all), the new-task form and the
/// task's card with its checklist, comments and history.
struct TaskPages {
    let pages: PageRenderer
    let tasks: TaskService
    let support: ClientPageSupport
    let clock: any WallClock

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("tasks") { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryReader(request: request)
            let view = try query.oneOf("view", TaskStore.View.self) ?? .mine
            let locale = pages.locale(request, context)
            // "Mine" and "overdue" are what is still to do; the other lists show everything.
            var filter = TaskStore.Query(view: view, openOnly: view == .mine || view == .overdue)
            if let entity = try query.string("link_entity", maxLength: 20), WorkTask.Link.entities[entity] != nil,
               let id = try query.int64("link_id") {
                filter.link = .init(entity: entity, id: id)
            }
            let page = try await tasks.list(filter, page: try query.page(), by: principal)
            let names = try await support.owners(selected: nil, by: principal).names
            let now = clock.now()
            var model = try await pages.model(request, context, titleKey: "title_tasks", nav: "tasks")
            model["tabs"] = TaskStore.View.allCases.filter { $0 != .all || principal.may(.read, .task) }.map { tab in
                ["href": "/tasks?view=\(tab.rawValue)", "label": pages.text("tasks_view_\(tab.rawValue)", locale),
                 "current": tab == view] as [String: Any]
            }
            let linked = try await tasks.linkNames(page.items.compactMap(\.link), by: principal)
            model["tasks"] = page.items.map {
                row(for: $0, names: names, linked: linked, now: now, locale: locale, principal: principal)
            }
            model["empty"] = page.items.isEmpty
            let overdue = try await tasks.overdueCount(by: principal)
            if overdue > 0 { model["overdue_count"] = overdue }
            if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
            model["can_create"] = principal.may(.create, .task)
            return pages.render("tasks", model, request: request)
        }
        group.get("tasks/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .task) else { throw RapportError.forbidden }
            let query = QueryReader(request: request)
            var values: [String: String] = ["priority": "normal", "owner_id": String(principal.userID)]
            if let entity = try query.string("link_entity", maxLength: 20), let id = try query.int64("link_id") {
                values["link_entity"] = entity
                values["link_id"] = String(id)
            }
            return try await card(request, context, task: nil, values: values, errors: [:])
        }
        group.post("tasks") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let task = try await tasks.create(input(form, principal: principal, existing: nil), by: principal)
                return pages.redirect(to: "/tasks/\(task.id)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, task: nil, values: form.values,
                                      errors: formErrors(error, pages.locale(request, context)))
            }
        }
        group.get("tasks/{id}") { request, context in
            let card = try await tasks.get(try context.id(entity: "task"), by: try context.requirePrincipal())
            return try await self.card(request, context, task: card, values: [:], errors: [:])
        }
        group.post("tasks/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "task")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let existing = try await tasks.get(id, by: principal)
            do {
                _ = try await tasks.update(id, input(form, principal: principal, existing: existing.task),
                                           expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/tasks/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, task: existing, values: form.values,
                                      errors: formErrors(error, pages.locale(request, context)))
            }
        }
        // Quick changes from the card: the status, one checklist line.
        group.post("tasks/{id}/status") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "task")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await tasks.update(id, TaskInput(status: form["status"]), expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/tasks/\(id)", flash: "flash_saved")
        }
        group.post("tasks/{id}/checklist") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "task")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            var checklist = try await tasks.get(id, by: principal).task.checklist
            if let index = form.id("item").map(Int.init), checklist.indices.contains(index) { checklist[index].done.toggle() }
            _ = try await tasks.update(id, TaskInput(checklist: checklist), expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/tasks/\(id)#checklist")
        }
        group.post("tasks/{id}/comments") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "task")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await tasks.comment(on: id, body: form["body"], by: principal)
                return pages.redirect(to: "/tasks/\(id)#comments")
            } catch RapportError.validation {
                return pages.redirect(to: "/tasks/\(id)#comments", flash: "flash_comment_empty_refused")
            }
        }
        group.post("tasks/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await tasks.delete(try context.id(entity: "task"), expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/tasks", flash: "flash_deleted")
        }
    }

    /// Form errors by the form's field names: `checklist.3.text` is the checklist box,
    /// `reminders.0` the reminder, `co_executor_ids.1` the people list.
    func formErrors(_ error: RapportError, _ locale: AppLocale) -> [String: String] {
        var errors: [String: String] = [:]
        for (field, message) in pages.errors(error, locale) {
            let name = field.hasPrefix("checklist") ? "checklist" : field.hasPrefix("reminders") ? "reminder"
                : field.hasPrefix("co_executor_ids") || field.hasPrefix("observer_ids") ? "people"
                : field.hasPrefix("link") ? "link" : field
            if errors[name] == nil { errors[name] = message }
        }
        return errors
    }

    /// One line of a list.
    func row(for task: WorkTask, names: [Int64: String], linked: [WorkTask.Link: String], now: Date, locale: AppLocale,
             principal: Principal) -> [String: Any] {
        [
            "href": "/tasks/\(task.id)", "title": task.title,
            "deadline": task.deadline.flatMap { Formatting.dateTime($0, locale: locale, timeZone: principal.user.timeZone) } ?? "",
            "overdue": task.isOverdue(at: now),
            "status": task.status.rawValue, "status_label": pages.text("task_status_\(task.status.rawValue)", locale),
            "priority_high": task.priority == .high,
            "owner_name": names[task.ownerID] ?? "#\(task.ownerID)",
            "checklist": task.checklist.isEmpty ? "" : "\(task.checklist.filter(\.done).count)/\(task.checklist.count)",
            "link": task.link.map { link(for: $0, linked) } ?? [:],
        ]
    }

    /// The record a task is about, by name when the reader may see it.
    func link(for link: WorkTask.Link, _ names: [WorkTask.Link: String]) -> [String: Any] {
        ["href": RecordPaths.path(link.entity, link.id),
         "label": names[link] ?? "#\(link.id)"]
    }

    /// What the form sends, as a task input; dates are read in the user's time zone.
    func input(_ form: PageForm, principal: Principal, existing: WorkTask?) -> TaskInput {
        let zone = principal.user.timeZone
        func date(_ key: String) -> String? {
            guard let text = form[key] else { return nil }
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return "" }
            // An unreadable value goes to the service as typed, which names the field.
            return Formatting.parseLocalInput(text, timeZone: zone).map(ISO8601.string) ?? text
        }
        // The checklist is one line per item; items already done stay done.
        let checklist = form["checklist"].map { text in
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                .map { line in WorkTask.ChecklistItem(text: line, done: existing?.checklist.first { $0.text == line }?.done ?? false) }
        }
        let reminder = date("reminder")
        var reminders: [String]?
        if let reminder {
            // The form edits the first reminder; earlier ones already past are kept as they were.
            let kept = (existing?.reminders ?? []).dropFirst().map(ISO8601.string)
            reminders = (reminder.isEmpty ? [] : [reminder]) + kept
        }
        return TaskInput(
            title: form["title"], description: form["description"], checklist: checklist, ownerID: form.id("owner_id"),
            coExecutorIDs: form.all("co_executor_ids").compactMap { Int64($0) },
            observerIDs: form.all("observer_ids").compactMap { Int64($0) }, startAt: nil, deadline: date("deadline"),
            reminders: reminders, priority: form["priority"], status: form["status"],
            linkEntity: existing == nil ? form["link_entity"] : nil, linkID: existing == nil ? form.id("link_id") : nil)
    }

    func card(_ request: Request, _ context: RapportRequestContext, task card: TaskService.Card?, values: [String: String],
              errors: [String: String]) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let zone = principal.user.timeZone
        let task = card?.task
        let (owners, names) = try await support.owners(selected: task?.ownerID ?? principal.userID, by: principal)
        var model = try await pages.model(request, context, titleKey: task == nil ? "task_new" : "title_tasks", nav: "tasks")
        if let task { model["title"] = task.title }
        func value(_ key: String, _ current: String?) -> String { values[key] ?? current ?? "" }
        let selectedOwner = values["owner_id"].flatMap(Int64.init) ?? task?.ownerID ?? principal.userID
        let coExecutors = Set(values.isEmpty ? task?.coExecutorIDs ?? [] : [])
        let observers = Set(values.isEmpty ? task?.observerIDs ?? [] : [])
        model["is_new"] = task == nil
        model["form_action"] = task.map { "/tasks/\($0.id)" } ?? "/tasks"
        model["task"] = [
            "id": task?.id ?? 0, "version": task?.version ?? 0,
            "title": value("title", task?.title), "description": value("description", task?.description),
            "checklist_text": value("checklist", task?.checklist.map(\.text).joined(separator: "\n")),
            "deadline": value("deadline", task?.deadline.map { Formatting.localInput($0, timeZone: zone) }),
            "reminder": value("reminder", task?.reminders.first.map { Formatting.localInput($0, timeZone: zone) }),
            "link_entity": value("link_entity", task?.link?.entity), "link_id": value("link_id", task?.link.map { String($0.id) }),
            "overdue": task?.isOverdue(at: clock.now()) ?? false,
            "status_label": task.map { pages.text("task_status_\($0.status.rawValue)", locale) } ?? "",
            "owner_name": task.map { names[$0.ownerID] ?? "#\($0.ownerID)" } ?? "",
        ] as [String: Any]
        model["owners"] = owners.map { option -> [String: Any] in
            var option = option
            option["selected"] = (option["id"] as? String) == String(selectedOwner)
            return option
        }
        model["people"] = owners.map { option -> [String: Any] in
            let id = Int64(option["id"] as? String ?? "") ?? 0
            return ["id": id, "label": option["label"] ?? "", "co_executor": coExecutors.contains(id), "observer": observers.contains(id)]
        }
        let priority = values["priority"] ?? task?.priority.rawValue ?? "normal"
        model["priorities"] = WorkTask.Priority.allCases.map {
            PageModel.option($0.rawValue, pages.text("task_priority_\($0.rawValue)", locale), selected: $0.rawValue == priority)
        }
        let status = values["status"] ?? task?.status.rawValue ?? "new"
        model["statuses"] = WorkTask.Status.allCases.map {
            PageModel.option($0.rawValue, pages.text("task_status_\($0.rawValue)", locale), selected: $0.rawValue == status)
        }
        model["errors"] = errors
        if let card, let task {
            let linked = try await tasks.linkNames(task.link.map { [$0] } ?? [], by: principal)
            model["link"] = task.link.map { link(for: $0, linked) } ?? [:]
            model["checklist"] = task.checklist.enumerated().map { index, item in
                ["index": index, "text": item.text, "done": item.done] as [String: Any]
            }
            model["has_checklist"] = !task.checklist.isEmpty
            model["comments"] = card.comments.map { comment -> [String: Any] in
                ["author": names[comment.authorID] ?? "#\(comment.authorID)", "body": comment.body,
                 "when": Formatting.dateTime(comment.createdAt, locale: locale, timeZone: zone) ?? ""]
            }
            model["quick_status"] = task.status == .done
                ? [["status": "in_progress", "label": pages.text("task_reopen", locale)]]
                : [["status": "done", "label": pages.text("task_finish", locale)]]
            model["delete_action"] = "/tasks/\(task.id)/delete"
            let events = try await tasks.history(task.id, page: .init(limit: 100), by: principal).items
            model["timeline"] = support.timeline(events, names: names, locale: locale, timeZone: zone, definitions: [])
            model["timeline_empty"] = events.isEmpty
        }
        return pages.render("task", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
