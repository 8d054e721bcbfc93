import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/interactions`: the work queue (planned, oldest first), one's history and everyone's; the
/// form to log or plan one (or a follow-up); the card with participants, the chain and the
/// history; a quick note from a client's card.
struct InteractionPages {
    let pages: PageRenderer
    let interactions: InteractionService
    let support: ClientPageSupport
    let clock: any WallClock

    /// The tabs of the list page.
    enum Tab: String, CaseIterable {
        /// My planned ones, oldest first.
        case queue
        /// Everything I was responsible for or took part in, newest first.
        case history
        /// Everything my role reaches, newest first.
        case all
    }

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("interactions") { request, context in
            try await list(request, context)
        }
        group.get("interactions/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .activity) else { throw RapportError.forbidden }
            let query = QueryReader(request: request)
            let zone = principal.user.timeZone
            var values: [String: String] = [
                "kind": try query.oneOf("kind", Interaction.Kind.self)?.rawValue ?? "call",
                "status": try query.oneOf("status", Interaction.Status.self)?.rawValue ?? "held",
                "priority": "medium", "state": "no_review", "owner_id": String(principal.userID),
                "start_at": Formatting.localInput(clock.now(), timeZone: zone),
            ]
            if let entity = try query.string("link_entity", maxLength: 20), WorkTask.Link.entities[entity] != nil,
               let id = try query.int64("link_id") {
                values["link_entity"] = entity
                values["link_id"] = String(id)
            }
            if let parentID = try query.int64("parent") {
                // A follow-up: the form starts from the interaction it follows.
                let parent = try await interactions.get(parentID, by: principal).interaction
                values.merge(formValues(parent, zone: zone)) { $1 }
                values["parent_id"] = String(parentID)
                values["status"] = "planned"
                values["state"] = "no_review"
                values["result"] = ""
                values["details"] = ""
                values["reminder"] = ""
                // Left empty, the service plans it for the next working day.
                values["start_at"] = ""
            }
            return try await card(request, context, card: nil, values: values, errors: [:])
        }
        group.post("interactions") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let made: Interaction
                if let parentID = form.id("parent_id"), parentID > 0 {
                    let parent = try await interactions.get(parentID, by: principal).interaction
                    made = try await interactions.followUp(parentID, input(form, principal: principal, existing: parent,
                                                                           keepingLink: true), by: principal)
                } else {
                    made = try await interactions.create(input(form, principal: principal, existing: nil, keepingLink: false),
                                                         by: principal)
                }
                return pages.redirect(to: "/interactions/\(made.id)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, card: nil, values: Self.submitted(form),
                                      errors: formErrors(error, pages.locale(request, context)))
            }
        }
        group.post("interactions/note") { request, context in
            try await quickNote(request, context)
        }
        group.get("interactions/{id}") { request, context in
            let card = try await interactions.get(try context.id(entity: "interaction"), by: try context.requirePrincipal())
            return try await self.card(request, context, card: card, values: [:], errors: [:])
        }
        group.post("interactions/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "interaction")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let existing = try await interactions.get(id, by: principal)
            do {
                _ = try await interactions.update(id, input(form, principal: principal, existing: existing.interaction,
                                                            keepingLink: true),
                                                  expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/interactions/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, card: existing, values: Self.submitted(form),
                                      errors: formErrors(error, pages.locale(request, context)))
            }
        }
        group.post("interactions/{id}/held") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "interaction")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await interactions.update(id, InteractionInput(state: "done", status: "held"),
                                              expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/interactions/\(id)", flash: "flash_saved")
        }
        group.post("interactions/{id}/participants/{position}/{action}") { request, context in
            try await participantAction(request, context)
        }
        group.post("interactions/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await interactions.delete(try context.id(entity: "interaction"), expectedVersion: form.id("version"),
                                          by: principal)
            return pages.redirect(to: "/interactions", flash: "flash_deleted")
        }
    }

    // MARK: the list

    func list(_ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = QueryReader(request: request)
        let locale = pages.locale(request, context)
        let tab = try query.oneOf("tab", Tab.self) ?? .queue
        let kind = try query.oneOf("kind", Interaction.Kind.self)
        let purpose = try query.oneOf("type", Interaction.Purpose.self)
        var filter = InteractionStore.Query(mineOnly: tab != .all, pendingOnly: tab == .queue, kind: kind, purpose: purpose)
        if tab == .all, !principal.may(.read, .activity) { filter.mineOnly = true }
        var about = ""
        if let entity = try query.string("link_entity", maxLength: 20), WorkTask.Link.entities[entity] != nil,
           let id = try query.int64("link_id") {
            filter.record = .init(entity: entity, id: id)
            about = "&link_entity=\(entity)&link_id=\(id)"
        }
        let page = try await interactions.list(filter, page: try query.page(), by: principal)
        let names = try await support.owners(selected: nil, by: principal).names
        let records = try await interactions.recordNames(page.items, by: principal)
        var model = try await pages.model(request, context, titleKey: "title_interactions", nav: "interactions")
        let suffix = [kind.map { "&kind=\($0.rawValue)" }, purpose.map { "&type=\($0.rawValue)" }].compactMap { $0 }.joined()
            + about
        model["tabs"] = Tab.allCases.filter { $0 != .all || principal.may(.read, .activity) }.map { t in
            ["href": "/interactions?tab=\(t.rawValue)\(suffix)", "label": pages.text("interactions_tab_\(t.rawValue)", locale),
             "current": t == tab] as [String: Any]
        }
        model["tab"] = tab.rawValue
        model["kinds"] = Interaction.Kind.allCases.map {
            PageModel.option($0.rawValue, pages.text("interaction_kind_\($0.rawValue)", locale), selected: $0 == kind)
        }
        model["types"] = Interaction.Purpose.allCases.map {
            PageModel.option($0.rawValue, pages.text("interaction_type_\($0.rawValue)", locale), selected: $0 == purpose)
        }
        model["filtered"] = kind != nil || purpose != nil
        model["interactions"] = page.items.map { row($0, names: names, records: records, locale: locale, principal: principal) }
        model["empty"] = page.items.isEmpty
        let overdue = try await interactions.overdueCount(by: principal)
        if overdue > 0 { model["overdue_count"] = overdue }
        if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
        model["can_create"] = principal.may(.create, .activity)
        return pages.render("interactions", model, request: request)
    }

    /// One line of a list or timeline.
    func row(_ item: Interaction, names: [Int64: String], records: [WorkTask.Link: String], locale: AppLocale,
             principal: Principal) -> [String: Any] {
        [
            "href": "/interactions/\(item.id)", "subject": item.subject, "kind": item.kind.rawValue,
            "kind_label": pages.text("interaction_kind_\(item.kind.rawValue)", locale),
            "when": Formatting.dateTime(item.startAt, locale: locale, timeZone: principal.user.timeZone) ?? "",
            "overdue": item.isOverdue(at: clock.now()), "status": item.status.rawValue,
            "status_label": pages.text("interaction_status_\(item.status.rawValue)", locale),
            "direction_label": item.direction.map { pages.text("interaction_direction_\($0.rawValue)", locale) } ?? "",
            "priority_high": item.priority == .high,
            "owner_name": names[item.ownerID] ?? "#\(item.ownerID)",
            "summary": String((item.result ?? item.details ?? "").prefix(160)),
            "link": item.link.map { link(for: $0, records) } ?? [:],
        ]
    }

    func link(for link: WorkTask.Link, _ names: [WorkTask.Link: String]) -> [String: Any] {
        ["href": RecordPaths.path(link.entity, link.id), "label": names[link] ?? "#\(link.id)"]
    }

    // MARK: the form

    /// Form errors by the form's field names.
    func formErrors(_ error: RapportError, _ locale: AppLocale) -> [String: String] {
        var errors: [String: String] = [:]
        for (field, message) in pages.errors(error, locale) {
            let name = field.hasPrefix("participants") ? "participants" : field.hasPrefix("reminders") ? "reminder"
                : field.hasPrefix("link") ? "link" : field
            if errors[name] == nil { errors[name] = message }
        }
        return errors
    }

    /// The form as sent, to show again; the colleagues chosen as one comma-separated value.
    static func submitted(_ form: PageForm) -> [String: String] {
        var values = form.values
        values["participant_users"] = form.all("participant_users").joined(separator: ",")
        return values
    }

    /// An interaction as the form's values (dates in the reader's zone).
    func formValues(_ item: Interaction, zone: String) -> [String: String] {
        [
            "kind": item.kind.rawValue, "subject": item.subject, "details": item.details ?? "",
            "start_at": Formatting.localInput(item.startAt, timeZone: zone),
            "duration_minutes": item.durationMinutes.map(String.init) ?? "", "channel": item.channel ?? "",
            "direction": item.direction?.rawValue ?? "", "priority": item.priority.rawValue, "type": item.purpose?.rawValue ?? "",
            "state": item.state.rawValue, "status": item.status.rawValue, "advertising_source": item.advertisingSource ?? "",
            "owner_id": String(item.ownerID), "result": item.result ?? "",
            "participant_names": item.participants.filter { $0.kind == .text }.compactMap(\.name).joined(separator: "\n"),
            "participant_users": item.userParticipantIDs.map(String.init).joined(separator: ","),
            "reminder": item.reminders.first.map { Formatting.localInput($0, timeZone: zone) } ?? "",
            "link_entity": item.link?.entity ?? "", "link_id": item.link.map { String($0.id) } ?? "",
        ]
    }

    /// What the form sends, as an input. Participants that are records stay; colleagues come
    /// from the select, names as heard from the text box (one per line). The link is set only
    /// on a new interaction.
    func input(_ form: PageForm, principal: Principal, existing: Interaction?, keepingLink: Bool) -> InteractionInput {
        let zone = principal.user.timeZone
        // A follow-up: `existing` is the interaction it follows, not one being edited.
        let followUp = existing != nil && form.id("parent_id").map { $0 > 0 } == true
        func date(_ key: String) -> String? {
            guard let text = form[key] else { return nil }
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return "" }
            return Formatting.parseLocalInput(text, timeZone: zone).map(ISO8601.string) ?? text
        }
        var participants: [InteractionInput.ParticipantInput] = (existing?.participants ?? [])
            .filter { $0.kind == .contact || $0.kind == .company }
            .map { .init(kind: $0.kind.rawValue, id: $0.refID, name: $0.name) }
        participants += form.all("participant_users").compactMap { Int64($0) }.map { .init(kind: "user", id: $0) }
        participants += (form["participant_names"] ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { .init(kind: "text", name: $0) }
        var reminders: [String]?
        if let reminder = date("reminder") {
            // Editing keeps the reminders after the first (the form shows one); a follow-up has its own.
            let kept = followUp ? [] : (existing?.reminders ?? []).dropFirst().map(ISO8601.string)
            reminders = (reminder.isEmpty ? [] : [reminder]) + kept
        }
        let duration = form.text("duration_minutes")
        let start = date("start_at").flatMap { $0.isEmpty && followUp ? nil : $0 }
        return InteractionInput(
            kind: form["kind"], subject: form["subject"], details: form["details"], startAt: start,
            // A number that is not one is sent as out of range, so the field is named.
            durationMinutes: duration.map { Int($0) ?? -1 } ?? (form["duration_minutes"] != nil ? 0 : nil),
            channel: form["channel"], direction: form["direction"], priority: form["priority"], purpose: form["type"],
            state: form["state"], status: form["status"], advertisingSource: form["advertising_source"],
            participants: participants, ownerID: form.id("owner_id"), result: form["result"],
            linkEntity: existing == nil || !keepingLink ? form["link_entity"] : nil,
            linkID: existing == nil || !keepingLink ? form.id("link_id") : nil, reminders: reminders)
    }

    func card(_ request: Request, _ context: RapportRequestContext, card: InteractionService.Card?, values: [String: String],
              errors: [String: String], duplicates: (position: Int, candidates: [DuplicateCandidate])? = nil) async throws
        -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let zone = principal.user.timeZone
        let item = card?.interaction
        var shown = item.map { formValues($0, zone: zone) } ?? [:]
        shown.merge(values) { $1 }
        let (owners, names) = try await support.owners(selected: item?.ownerID ?? principal.userID, by: principal)
        let followingUp = item == nil && !(shown["parent_id"] ?? "").isEmpty
        var model = try await pages.model(request, context,
                                          titleKey: item != nil ? "title_interactions"
                                              : followingUp ? "interaction_follow_up" : "interaction_new",
                                          nav: "interactions")
        if let item { model["title"] = item.subject }
        model["is_new"] = item == nil
        model["is_follow_up"] = followingUp
        model["form_action"] = item.map { "/interactions/\($0.id)" } ?? "/interactions"
        model["item"] = shown.merging(["id": String(item?.id ?? 0), "version": String(item?.version ?? 0)]) { $1 }
        func options<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ key: String, prefix: String, blank: Bool = false)
            -> [[String: Any]] where T.RawValue == String
        {
            let selected = shown[key] ?? ""
            return (blank ? [PageModel.option("", pages.text("not_set", locale), selected: selected.isEmpty)] : [])
                + T.allCases.map { PageModel.option($0.rawValue, pages.text("\(prefix)_\($0.rawValue)", locale),
                                                    selected: $0.rawValue == selected) }
        }
        model["kinds"] = options(Interaction.Kind.self, "kind", prefix: "interaction_kind")
        model["statuses"] = options(Interaction.Status.self, "status", prefix: "interaction_status")
        model["states"] = options(Interaction.State.self, "state", prefix: "interaction_state")
        model["priorities"] = options(Interaction.Priority.self, "priority", prefix: "interaction_priority")
        model["types"] = options(Interaction.Purpose.self, "type", prefix: "interaction_type", blank: true)
        model["directions"] = options(Interaction.Direction.self, "direction", prefix: "interaction_direction", blank: true)
        let selectedOwner = shown["owner_id"].flatMap(Int64.init) ?? principal.userID
        model["owners"] = owners.map { option -> [String: Any] in
            var option = option
            option["selected"] = (option["id"] as? String) == String(selectedOwner)
            return option
        }
        let takingPart = Set((shown["participant_users"] ?? "").split(separator: ",").map(String.init))
        model["people"] = owners.map { option -> [String: Any] in
            let id = option["id"] as? String ?? ""
            return ["id": id, "label": option["label"] ?? "", "selected": takingPart.contains(id)]
        }
        model["errors"] = errors
        if let entity = shown["link_entity"], let id = shown["link_id"].flatMap(Int64.init), !entity.isEmpty {
            let record = WorkTask.Link(entity: entity, id: id)
            model["link"] = link(for: record, try await interactions.linkNames([record], by: principal))
        }
        if let card, let item {
            let records = try await interactions.recordNames(card.chain + [item], by: principal)
            model["kind_label"] = pages.text("interaction_kind_\(item.kind.rawValue)", locale)
            model["status_label"] = pages.text("interaction_status_\(item.status.rawValue)", locale)
            model["status"] = item.status.rawValue
            model["overdue"] = item.isOverdue(at: clock.now())
            model["owner_name"] = names[item.ownerID] ?? "#\(item.ownerID)"
            model["when"] = Formatting.dateTime(item.startAt, locale: locale, timeZone: zone) ?? ""
            model["can_hold"] = item.status == .planned
            model["can_follow_up"] = principal.may(.create, .activity)
            model["can_make_deal"] = principal.may(.create, .deal)
            model["participants"] = item.participants.enumerated().map { index, p -> [String: Any] in
                var row: [String: Any] = ["position": index, "kind_label": pages.text("participant_\(p.kind.rawValue)", locale),
                                          "name": p.name ?? "", "is_text": p.kind == .text]
                if let id = p.refID, p.kind == .contact || p.kind == .company {
                    row["href"] = link(for: .init(entity: p.kind.rawValue, id: id), records)["href"]
                    row["name"] = records[.init(entity: p.kind.rawValue, id: id)] ?? "#\(id)"
                }
                if let duplicates, duplicates.position == index {
                    row["duplicates"] = support.duplicates(duplicates.candidates, locale: locale).enumerated().map { n, d in
                        var d = d
                        d["entity"] = duplicates.candidates[n].entity
                        d["id"] = duplicates.candidates[n].id
                        return d
                    }
                    row["has_duplicates"] = true
                    row["duplicates_entity"] = duplicates.candidates.first?.entity ?? "contact"
                }
                return row
            }
            model["has_chain"] = card.chain.count > 1
            model["chain"] = card.chain.count > 1
                ? card.chain.map { c -> [String: Any] in
                    var row = row(c, names: names, records: records, locale: locale, principal: principal)
                    row["current"] = c.id == item.id
                    return row
                } : []
            let events = try await interactions.history(item.id, page: .init(limit: 100), by: principal).items
            model["timeline"] = support.timeline(events, names: names, locale: locale, timeZone: zone, definitions: [])
        }
        return pages.render("interaction", model, request: request,
                            status: errors.isEmpty && duplicates == nil ? .ok : .unprocessableContent)
    }

    // MARK: quick actions

    /// A participant becomes a contact or a company (`contact`, `company`) or is linked to an
    /// existing one (`link`); a likely duplicate is shown beside the participant to link instead.
    func participantAction(_ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.id(entity: "interaction")
        let position = try InteractionsAPI.position(context)
        let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
        let allow = form["allow_duplicates"] == "true"
        do {
            switch context.parameters.get("action") {
            case "contact":
                _ = try await interactions.createContact(from: id, position: position, allowDuplicates: allow, by: principal)
            case "company":
                _ = try await interactions.createCompany(from: id, position: position, allowDuplicates: allow, by: principal)
            case "link":
                _ = try await interactions.linkParticipant(id, position: position, entity: form["entity"] ?? "",
                                                           recordID: form.id("record_id") ?? 0, expectedVersion: nil,
                                                           by: principal)
            default:
                throw RapportError.notFound(entity: "interaction")
            }
            return pages.redirect(to: "/interactions/\(id)#participants", flash: "flash_saved")
        } catch RapportError.possibleDuplicates(let candidates) {
            let card = try await interactions.get(id, by: principal)
            return try await self.card(request, context, card: card, values: [:], errors: [:],
                                       duplicates: (position, candidates))
        }
    }

    /// A note typed on a client's card: its first line is the subject, the whole text the details.
    func quickNote(_ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
        let entity = form["link_entity"] ?? ""
        let recordID = form.id("link_id") ?? 0
        // Back to the card, or to the desktop's chosen client (only that local page, never elsewhere).
        let back = localPath(form["return_to"], under: "/?client=")
            ?? RecordPaths.path(entity, recordID) + "#interactions"
        let text = form.text("note") ?? ""
        guard !text.isEmpty else { return pages.redirect(to: back, flash: "flash_note_empty_refused") }
        let firstLine = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        let subject = firstLine.count > 120 ? String(firstLine.prefix(119)) + "…" : firstLine
        _ = try await interactions.create(
            InteractionInput(kind: form["kind"] ?? "note", subject: subject, details: text == subject ? nil : text,
                             status: "held", linkEntity: entity, linkID: recordID),
            by: principal)
        return pages.redirect(to: back, flash: "flash_note_added")
    }
}
