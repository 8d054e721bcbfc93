import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// Field visits on the pages: the "Visits" card of a lead or deal (with the final price once a
/// visit is done), booking a visit from its free slots (`/{leads|deals}/{id}/visits/new`),
/// confirming and moving one, the visit's page where the technician records what they brought
/// back — results and the design layout (`/visits/{id}`) — and the schedule of visits per
/// technician and day (`/visits`).
struct VisitPages {
    let pages: PageRenderer
    let visits: VisitService
    let users: UserService
    let leads: LeadService
    let deals: DealService
    let clock: any WallClock
    /// The largest file a result may carry (the attachments' limit).
    let maxUpload: Int

    func register(on group: RouterGroup<RapportRequestContext>) {
        for entity in ["lead", "deal"] {
            group.get("\(entity)s/{id}/visits/new") { request, context in
                try await book(request, context, link: .init(entity: entity, id: try context.id(entity: entity)), errors: [:])
            }
            group.post("\(entity)s/{id}/visits/new") { request, context in
                let principal = try context.requirePrincipal()
                let link = WorkTask.Link(entity: entity, id: try context.id(entity: entity))
                let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                let parts = (form["slot"] ?? "").split(separator: "|", maxSplits: 1).map(String.init)
                var input = VisitInput(kindID: form.id("kind_id"), technicianID: parts.first.flatMap { Int64($0) },
                                       start: parts.count > 1 ? parts[1] : nil, linkEntity: entity, linkID: link.id,
                                       address: form["address"], region: form.text("region"), comments: form.text("comments"))
                do {
                    if let visit = form.id("visit") {
                        input.kindID = nil
                        _ = try await visits.reschedule(visit, input, expectedVersion: form.id("version"), by: principal)
                    } else {
                        _ = try await visits.book(input, by: principal)
                    }
                    return pages.redirect(to: "/\(entity)s/\(link.id)#record-visits", flash: "flash_saved")
                } catch let error as RapportError {
                    return try await book(request, context, link: link, errors: try errors(error, request, context))
                }
            }
        }
        group.post("visits/{id}/confirm") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "visit")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let visit = try await visits.get(id, by: principal)
            do {
                _ = try await visits.confirm(id, expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/\(visit.link.entity)s/\(visit.link.id)#record-visits", flash: "flash_saved")
            } catch RapportError.conflict {
                return pages.redirect(to: "/\(visit.link.entity)s/\(visit.link.id)#record-visits", flash: "flash_visit_confirm_refused")
            }
        }
        group.get("visits") { request, context in try await schedule(request, context) }
        group.get("visits/{id}") { request, context in
            try await page(request, context, id: try context.id(entity: "visit"), values: [:], errors: [:])
        }
        group.post("visits/{id}/results") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "visit")
            let form = try await MultipartForm.read(request, context: context, csrf: csrfToken(principal), limit: maxUpload)
            let layout = form.files["layout"].flatMap { file in
                file.fileName.isEmpty && file.bytes.isEmpty ? nil
                    : VisitService.ResultFile(fileName: file.fileName, contentType: file.contentType, bytes: file.bytes)
            }
            do {
                _ = try await visits.recordResults(id, results: form.fields["results"], layout: layout,
                                                   expectedVersion: form.fields["version"].flatMap { Int64($0) }, by: principal)
                return pages.redirect(to: "/visits/\(id)", flash: "flash_visit_results_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, id: id, values: ["results": form.fields["results"] ?? ""],
                                      errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        for entity in ["lead", "deal"] {
            group.post("\(entity)s/{id}/final-price") { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.id(entity: entity)
                let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                let amount = form["amount"].map(MoneyText.init)
                do {
                    if entity == "lead" {
                        _ = try await leads.setFinalPrice(id, amount: amount, expectedVersion: form.id("version"), by: principal)
                    } else {
                        _ = try await deals.setFinalPrice(id, amount: amount, expectedVersion: form.id("version"), by: principal)
                    }
                    return pages.redirect(to: "/\(entity)s/\(id)#record-visits", flash: "flash_saved")
                } catch RapportError.validation {
                    return pages.redirect(to: "/\(entity)s/\(id)#record-visits", flash: "flash_final_price_refused")
                } catch RapportError.conflict {
                    return pages.redirect(to: "/\(entity)s/\(id)#record-visits", flash: "flash_final_price_items_refused")
                }
            }
        }
    }

    /// The visit's page: what, when, who and where; what was brought back; the results form
    /// (with the design layout) for its technician or anyone who may change the record.
    func page(_ request: Request, _ context: RapportRequestContext, id: Int64, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let visit = try await visits.get(id, by: principal)
        let zone = principal.user.timeZone
        let kind = try await visits.kinds(by: principal).first { $0.id == visit.kindID }
        let names = try await technicianNames(principal)
        let permission: PermissionEntity = visit.link.entity == "lead" ? .lead : .deal
        var recordTitle: String?
        if principal.may(.read, permission) {
            do {
                recordTitle = visit.link.entity == "lead" ? try await leads.get(visit.link.id, by: principal).record.title
                    : try await deals.get(visit.link.id, by: principal).record.title
            } catch RapportError.notFound {
                recordTitle = nil  // not theirs to read: the page shows the visit without the link
            }
        }
        var model = try await pages.model(request, context, titleKey: "visit_heading", nav: "visits")
        let when = Formatting.dateTime(visit.start, locale: locale, timeZone: zone) ?? ""
        model["title"] = "\(kind?.name ?? "") · \(when)"
        model["visit"] = [
            "id": visit.id, "version": visit.version, "kind": kind?.name ?? "", "when": when,
            "until": Formatting.dateTime(visit.end, locale: locale, timeZone: zone) ?? "",
            "technician": names[visit.technicianID] ?? "#\(visit.technicianID)", "address": visit.address,
            "comments": visit.comments ?? "", "state": visit.state.rawValue,
            "state_label": pages.text("visit_state_\(visit.state.rawValue)", locale), "results": visit.results ?? "",
        ] as [String: Any]
        if let recordTitle { model["record"] = ["title": recordTitle, "href": "/\(visit.link.entity)s/\(visit.link.id)"] }
        model["can_record"] = visit.state != .cancelled
            && (visit.technicianID == principal.userID || principal.may(.update, permission))
        model["values"] = ["results": values["results"] ?? visit.results ?? ""]
        model["errors"] = errors
        model["file_limit"] = pages.text("file_limit", locale).replacingOccurrences(of: "%@", with: String(maxUpload >> 20))
        return pages.render("visit", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func errors(_ error: RapportError, _ request: Request, _ context: RapportRequestContext) throws -> [String: String] {
        let locale = pages.locale(request, context)
        switch error {
        case .validation(let list): return ["general": list.map { pages.message($0, locale) }.joined(separator: " ")]
        case .conflict: return ["general": pages.text("visit_taken", locale)]
        case .stale: return ["general": pages.text("error_stale", locale)]
        default: throw error
        }
    }

    /// The card's model: the record's visits, with confirm and move where they apply, what the
    /// done ones brought back, and — once one is done — the final price beside the preliminary one.
    func card(_ link: WorkTask.Link, price: (amount: Int64?, preliminary: Int64?, currency: String, version: Int64),
              names: [Int64: String], by principal: Principal, locale: AppLocale) async throws -> [String: Any] {
        let list = try await visits.visits(of: link, by: principal)
        let kinds = Dictionary(uniqueKeysWithValues: try await visits.kinds(by: principal).map { ($0.id, $0.name) })
        let zone = principal.user.timeZone
        let canChange = principal.may(.update, link.entity == "lead" ? .lead : .deal)
        let anyDone = list.contains { $0.state == .done }
        return [
            "visits_card": true,
            "final_price": canChange && anyDone ? [
                "action": "/\(link.entity)s/\(link.id)/final-price", "version": price.version,
                "amount": price.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(price.currency)) } ?? "",
                "currency": price.currency,
                "preliminary": price.preliminary.map { Formatting.money($0, currency: price.currency, locale: locale) } ?? "",
            ] as [String: Any] : [:],
            "visit_book_href": canChange && !kinds.isEmpty ? "/\(link.entity)s/\(link.id)/visits/new" : "",
            "record_visits": list.map { visit -> [String: Any] in
                ["id": visit.id, "version": visit.version, "kind": kinds[visit.kindID] ?? "",
                 "when": Formatting.dateTime(visit.start, locale: locale, timeZone: zone) ?? "",
                 "technician": names[visit.technicianID] ?? "#\(visit.technicianID)", "address": visit.address,
                 "state_label": pages.text("visit_state_\(visit.state.rawValue)", locale), "href": "/visits/\(visit.id)",
                 "results": visit.state == .done ? visit.results ?? "" : "",
                 "can_confirm": canChange && visit.state == .booked,
                 "move_href": canChange && (visit.state == .booked || visit.state == .confirmed)
                    ? "/\(link.entity)s/\(link.id)/visits/new?visit=\(visit.id)&kind=\(visit.kindID)" : ""]
            },
        ]
    }

    func book(_ request: Request, _ context: RapportRequestContext, link: WorkTask.Link, errors: [String: String]) async throws
        -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let query = QueryReader(request: request)
        let kinds = try await visits.kinds(by: principal)
        let kindID = try query.int64("kind") ?? kinds.first?.id
        let moving = try query.int64("visit")
        var model = try await pages.model(request, context, titleKey: "visit_book", nav: "\(link.entity)s")
        let title: String, address: String?, region: String?
        if link.entity == "lead" {
            let lead = try await leads.get(link.id, by: principal).record
            (title, address, region) = (lead.title, lead.objectAddress, lead.region)
        } else {
            let deal = try await deals.get(link.id, by: principal).record
            (title, address, region) = (deal.title, nil, nil)
        }
        let zone = TimeZone(identifier: principal.user.timeZone) ?? .gmt
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let fromText = try query.string("from", maxLength: 10)
        let from = fromText.flatMap { CalendarDate($0) }.map { calendar.date(from: DateComponents(year: $0.year, month: $0.month, day: $0.day))! }
            ?? clock.now()
        let wantedRegion = try query.string("region", maxLength: 200) ?? region
        model["heading"] = pages.text(moving == nil ? "visit_book" : "visit_move", locale)
        model["record_title"] = title
        model["record_href"] = "/\(link.entity)s/\(link.id)"
        model["post_action"] = "/\(link.entity)s/\(link.id)/visits/new"
        model["kinds"] = kinds.map { PageModel.option(String($0.id), "\($0.name) · \($0.minutes / 60) \(pages.text("hours_short", locale))", selected: $0.id == kindID) }
        model["kind_id"] = kindID ?? 0
        model["from"] = CalendarDate(year: calendar.component(.year, from: from), month: calendar.component(.month, from: from),
                                     day: calendar.component(.day, from: from))?.description ?? ""
        model["region"] = wantedRegion ?? ""
        model["address"] = address ?? ""
        if let moving {
            let visit = try await visits.get(moving, by: principal)
            model["visit_id"] = moving
            model["visit_version"] = visit.version
        }
        if let kindID {
            let now = clock.now()
            let slots = try await visits.slots(kindID: kindID, region: wantedRegion, from: max(from, now),
                                               to: max(from, now).addingTimeInterval(7 * 86_400), by: principal)
            let names = try await technicianNames(principal)
            let byDay = Dictionary(grouping: slots) { calendar.startOfDay(for: $0.start) }
            model["days"] = byDay.keys.sorted().map { day -> [String: Any] in
                let daySlots = byDay[day]!
                let people = Dictionary(grouping: daySlots, by: \.technicianID)
                return ["date": Self.label(day, calendar, locale),
                        "technicians": people.keys.sorted().map { id -> [String: Any] in
                            ["name": names[id] ?? "#\(id)", "slots": people[id]!.map { slot -> [String: Any] in
                                let parts = calendar.dateComponents([.hour, .minute], from: slot.start)
                                return ["technician_id": id, "start": ISO8601.string(slot.start),
                                        "time": String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)]
                            }]
                        }]
            }
        }
        model["errors"] = errors
        return pages.render("visit_book", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// A day as the pages write dates, in the viewer's zone.
    static func label(_ date: Date, _ calendar: Calendar, _ locale: AppLocale) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let day = CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!) else { return "" }
        return Formatting.date(day, locale: locale)
    }

    func technicianNames(_ principal: Principal) async throws -> [Int64: String] {
        Dictionary(uniqueKeysWithValues: try await users.list(.init(sort: .lastName), page: .init(limit: PageRequest.maxLimit), by: principal)
            .items.map { ($0.id, $0.displayName) })
    }

    /// A week of visits: a row per technician, a column per day.
    func schedule(_ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: principal.user.timeZone) ?? .gmt
        let fromText = try QueryReader(request: request).string("from", maxLength: 10)
        let start = calendar.startOfDay(for: fromText.flatMap { CalendarDate($0) }
            .map { calendar.date(from: DateComponents(year: $0.year, month: $0.month, day: $0.day))! } ?? clock.now())
        let days = (0..<7).map { calendar.date(byAdding: .day, value: $0, to: start)! }
        let end = calendar.date(byAdding: .day, value: 7, to: start)!
        let (people, week) = try await visits.schedule(from: start, to: end, by: principal)
        let kinds = Dictionary(uniqueKeysWithValues: try await visits.kinds(by: principal).map { ($0.id, $0.name) })
        func iso(_ date: Date) -> String {
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        }
        var model = try await pages.model(request, context, titleKey: "visits_schedule", nav: "visits")
        model["range"] = "\(Self.label(start, calendar, locale)) — \(Self.label(days.last!, calendar, locale))"
        model["previous"] = iso(calendar.date(byAdding: .day, value: -7, to: start)!)
        model["next"] = iso(end)
        model["days"] = days.map { Self.label($0, calendar, locale) }
        model["rows"] = people.map { person -> [String: Any] in
            ["name": person.displayName, "cells": days.map { day -> [String: Any] in
                let next = calendar.date(byAdding: .day, value: 1, to: day)!
                return ["visits": week.filter { $0.technicianID == person.id && $0.start >= day && $0.start < next }.map { visit -> [String: Any] in
                    let parts = calendar.dateComponents([.hour, .minute], from: visit.start)
                    return ["time": String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0), "kind": kinds[visit.kindID] ?? "",
                            "address": visit.address, "state": visit.state.rawValue,
                            "href": "/visits/\(visit.id)"]
                }]
            }]
        }
        return pages.render("visit_schedule", model, request: request)
    }
}
