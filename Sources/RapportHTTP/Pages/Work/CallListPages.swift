import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/call-lists`: a manager's call lists, made from a saved view of contacts (or the contacts
/// list's current filter); a list's page shows the next contact to call — number, "Call"
/// through the PBX, the result form — and what came of each call so far.
struct CallListPages {
    let pages: PageRenderer
    let callLists: CallListService
    let views: SavedViewService
    let telephony: TelephonyService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("call-lists") { request, context in
            try await index(request, context, values: ["query": try QueryReader(request: request).string("query", maxLength: 2000) ?? ""],
                            errors: [:])
        }
        group.post("call-lists") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let view = form["saved_view_id"].flatMap { $0.isEmpty ? nil : Int64($0) }
                let source = try await CallListsAPI.source(query: form["query"], savedViewID: view, views: views, by: principal)
                let list = try await callLists.create(name: form["name"], query: source.query, queryText: source.text, by: principal)
                return pages.redirect(to: "/call-lists/\(list.id)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await index(request, context, values: form.values, errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.get("call-lists/{id}") { request, context in
            try await sheet(request, context, id: try context.id(entity: "call list"), values: [:], errors: [:])
        }
        group.post("call-lists/{id}/entries/{entry}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "call list")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let zone = principal.user.timeZone
            let callBack = form["call_back_at"].flatMap { $0.isEmpty ? nil : $0 }
            let input = CallResultInput(outcome: form["outcome"], note: form["note"],
                                        callBackAt: form["outcome"] == "call_back"
                                            ? callBack.map { Formatting.parseLocalInput($0, timeZone: zone).map(ISO8601.string) ?? $0 } : nil)
            do {
                _ = try await callLists.record(id, entry: try context.id("entry", entity: "call list entry"), input, by: principal)
                return pages.redirect(to: "/call-lists/\(id)", flash: "flash_call_recorded")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await sheet(request, context, id: id, values: form.values, errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("call-lists/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await callLists.delete(try context.id(entity: "call list"), by: principal)
            return pages.redirect(to: "/call-lists", flash: "flash_deleted")
        }
    }

    func index(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: "call_lists_heading", nav: "call_lists")
        model["lists"] = try await callLists.lists(by: principal).map { list -> [String: Any] in
            ["id": list.id, "name": list.name, "done": list.done, "total": list.total, "finished": list.isFinished,
             "percent": list.total == 0 ? 100 : list.done * 100 / list.total,
             "created": Formatting.dateTime(list.createdAt, locale: locale, timeZone: principal.user.timeZone) ?? ""]
        }
        let chosen = values["saved_view_id"] ?? ""
        model["saved_views"] = try await views.list(entity: "contact", by: principal).map { view -> [String: Any] in
            ["id": view.id, "name": view.name, "selected": String(view.id) == chosen]
        }
        model["values"] = values
        model["from_filter"] = !(values["query"] ?? "").isEmpty
        model["filter_text"] = (values["query"] ?? "").removingPercentEncoding ?? values["query"] ?? ""
        model["errors"] = errors
        model["can_create"] = principal.may(.create, .activity)
        return pages.render("call_lists", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func sheet(_ request: Request, _ context: RapportRequestContext, id: Int64, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let zone = principal.user.timeZone
        let sheet = try await callLists.sheet(id, by: principal)
        var model = try await pages.model(request, context, titleKey: "call_lists_heading", nav: "call_lists")
        model["title"] = sheet.list.name
        model["list"] = ["id": sheet.list.id, "name": sheet.list.name, "done": sheet.list.done, "total": sheet.list.total,
                         "percent": sheet.list.total == 0 ? 100 : sheet.list.done * 100 / sheet.list.total,
                         "version": sheet.list.version]
        func name(_ entry: CallListEntry) -> String {
            sheet.contacts[entry.contactID]?.displayName ?? pages.text("call_list_contact_gone", locale)
        }
        if let next = sheet.entries.first(where: { $0.outcome == nil }) {
            let contact = sheet.contacts[next.contactID]
            model["next"] = [
                "id": next.id, "position": next.position, "name": name(next), "phone": next.phone,
                "href": contact.map { "/clients/contacts/\($0.id)" } ?? "", "position_title": contact?.position ?? "",
                "local_time": contact?.timeZone.map { Formatting.clock(Date(), timeZone: $0) } ?? "",
                "can_dial": try await telephony.clickToCallAvailable(),
                "link_entity": contact == nil ? "" : "contact", "link_id": contact.map { String($0.id) } ?? "",
            ] as [String: Any]
        }
        let chosen = values["outcome"] ?? ""
        model["outcomes"] = CallListEntry.Outcome.allCases.map { outcome -> [String: Any] in
            ["value": outcome.rawValue, "label": pages.text("call_outcome_\(outcome.rawValue)", locale), "checked": outcome.rawValue == chosen]
        }
        model["entries"] = sheet.entries.filter { $0.outcome != nil }.sorted { ($0.calledAt ?? .distantPast) > ($1.calledAt ?? .distantPast) }
            .map { entry -> [String: Any] in
                ["position": entry.position, "name": name(entry), "phone": entry.phone,
                 "href": sheet.contacts[entry.contactID].map { "/clients/contacts/\($0.id)" } ?? "",
                 "outcome": entry.outcome.map { pages.text("call_outcome_\($0.rawValue)", locale) } ?? "",
                 "reached": entry.outcome?.isConversation ?? false, "note": entry.note ?? "",
                 "when": Formatting.dateTime(entry.calledAt, locale: locale, timeZone: zone) ?? "",
                 "task_href": entry.taskID.map { "/tasks/\($0)" } ?? ""]
            }
        model["has_entries"] = sheet.list.done > 0
        model["values"] = values
        model["errors"] = errors
        return pages.render("call_list", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
