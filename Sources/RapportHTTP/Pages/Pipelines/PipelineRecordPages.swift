import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/leads/{id}`, `/deals/{id}` and `/leads/new`: a lead's or deal's card — its stage path
/// (each stage a move, through the same gate as the board), the stage's hint, its fields in
/// an edit form, line items, tasks and history — and a lead's conversion.
struct PipelineRecordPages {
    let pages: PageRenderer
    let pipelines: PipelineService
    let leads: LeadService
    let deals: DealService
    let support: ClientPageSupport
    let tasksCard: RecordTasksCard

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("leads/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .lead) else { throw RapportError.forbidden }
            return try await leadCard(request, context, card: nil, values: [:], errors: [:])
        }
        group.post("leads/new") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let lead = try await leads.create(Self.leadInput(form), by: principal)
                return pages.redirect(to: "/leads/\(lead.id)", flash: "flash_created")
            } catch let error as RapportError {
                return try await leadCard(request, context, card: nil, values: form.values, errors: try formErrors(error, request, context))
            }
        }
        group.get("leads/{id}") { request, context in
            let card = try await leads.get(try context.id(entity: "lead"), by: try context.requirePrincipal())
            return try await leadCard(request, context, card: card, values: [:], errors: [:])
        }
        group.post("leads/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "lead")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await leads.update(id, Self.leadInput(form), expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/leads/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                let card = try await leads.get(id, by: principal)
                return try await leadCard(request, context, card: card, values: form.values, errors: try formErrors(error, request, context))
            }
        }
        group.post("leads/{id}/convert") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "lead")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            // A likely duplicate is offered: use that client, or make a new one anyway.
            let input = LeadConversionInput(contactID: form.id("contact_id"), companyID: form.id("company_id"),
                                            allowDuplicates: form.text("allow_duplicates") == "true")
            do {
                let result = try await leads.convert(id, input, expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/deals/\(result.deal.id)", flash: "flash_converted")
            } catch RapportError.possibleDuplicates(let candidates) {
                let card = try await leads.get(id, by: principal)
                return try await leadCard(request, context, card: card, values: [:], errors: [:], duplicates: candidates, chosen: input)
            } catch let error as RapportError {
                let card = try await leads.get(id, by: principal)
                return try await leadCard(request, context, card: card, values: [:], errors: try formErrors(error, request, context))
            }
        }
        group.post("interactions/{id}/deal") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "interaction")
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let deal = try await deals.create(fromInteraction: id, by: principal)
            return pages.redirect(to: "/deals/\(deal.id)", flash: "flash_created")
        }
        group.get("deals/{id}") { request, context in
            let card = try await deals.get(try context.id(entity: "deal"), by: try context.requirePrincipal())
            return try await dealCard(request, context, card: card, values: [:], errors: [:])
        }
        group.post("deals/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "deal")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await deals.update(id, Self.dealInput(form), expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/deals/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                let card = try await deals.get(id, by: principal)
                return try await dealCard(request, context, card: card, values: form.values, errors: try formErrors(error, request, context))
            }
        }
    }

    // MARK: cards

    func leadCard(_ request: Request, _ context: RapportRequestContext, card: LeadService.Card?, values: [String: String],
                  errors: [String: String], duplicates: [DuplicateCandidate] = [], chosen: LeadConversionInput? = nil)
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let lead = card?.record
        func value(_ name: String, _ current: String?) -> String { values[name] ?? current ?? "" }
        let fields: [(String, String, String, Bool)] = [
            ("title", "title", value("title", lead?.title), true),
            ("last_name", "last_name", value("last_name", lead?.lastName), false),
            ("first_name", "first_name", value("first_name", lead?.firstName), false),
            ("middle_name", "middle_name", value("middle_name", lead?.middleName), false),
            ("phones", "phone", value("phones", lead?.phones.joined(separator: "\n")), false),
            ("emails", "email", value("emails", lead?.emails.joined(separator: "\n")), false),
            ("company_name", "company_name", value("company_name", lead?.companyName), false),
            ("source", "source", value("source", lead?.source), false),
            ("topic", "topic", value("topic", lead?.topic), false),
            ("client_type", "client_type", value("client_type", lead?.clientType), false),
            ("object_address", "object_address", value("object_address", lead?.objectAddress), true),
            ("amount", "amount", value("amount", lead?.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(lead?.currency)) }), false),
            ("comments", "comments", value("comments", lead?.comments), true),
        ]
        var model = try await pages.model(request, context, titleKey: "title_leads", nav: "leads")
        model["fields"] = fields.map { name, label, current, wide -> [String: Any] in
            ["name": name, "label": PipelineFieldLabels.label(label, locale), "value": current, "wide": wide,
             "textarea": ["phones", "emails", "comments"].contains(name), "type": "text", "error": errors[name] ?? "",
             "hint": ["phones", "emails"].contains(name) ? pages.text("hint_one_per_line", locale) : ""]
        }
        model["errors"] = errors
        model["entity_path"] = "leads"
        model["list_label"] = pages.text("title_leads", locale)
        model["new_label"] = pages.text("lead_new", locale)
        guard let card, let lead else {
            model["is_new"] = true
            model["form_action"] = "/leads/new"
            return pages.render("pipeline_record", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
        }
        model["title"] = lead.title
        model["form_action"] = "/leads/\(lead.id)"
        if let conversion = lead.conversion, let deal = conversion.dealID {
            model["converted"] = true
            model["deal_id"] = deal
        } else {
            model["can_convert"] = principal.may(.create, .deal)
        }
        if !duplicates.isEmpty {
            model["has_duplicates"] = true
            model["duplicates"] = duplicates.map { candidate -> [String: Any] in
                ["name": candidate.name, "href": "/clients/\(candidate.entity == "company" ? "companies" : "contacts")/\(candidate.id)",
                 "field": candidate.entity == "company" ? "company_id" : "contact_id", "id": candidate.id,
                 "kept_field": candidate.entity == "company" ? "contact_id" : "company_id",
                 "kept_id": (candidate.entity == "company" ? chosen?.contactID : chosen?.companyID).map(String.init) ?? ""]
            }
        }
        try await common(&model, entity: .lead, id: lead.id, title: lead.title, ownerID: lead.ownerID, place: lead.place,
                         version: lead.version, amount: lead.amount, currency: lead.currency, pipeline: card.pipeline,
                         items: card.lineItems, principal: principal, locale: locale)
        return pages.render("pipeline_record", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func dealCard(_ request: Request, _ context: RapportRequestContext, card: DealService.Card, values: [String: String],
                  errors: [String: String]) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let deal = card.record
        func value(_ name: String, _ current: String?) -> String { values[name] ?? current ?? "" }
        var model = try await pages.model(request, context, titleKey: "title_deals", nav: "deals")
        model["fields"] = [
            ("title", value("title", deal.title), true, "text"),
            ("amount", value("amount", deal.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(deal.currency)) }), false, "text"),
            ("close_date", value("close_date", deal.closeDate?.description), false, "date"),
            ("probability", value("probability", deal.probability.map(String.init)), false, "number"),
        ].map { name, current, wide, type -> [String: Any] in
            ["name": name, "label": PipelineFieldLabels.label(name, locale), "value": current, "wide": wide, "type": type,
             "error": errors[name] ?? ""]
        }
        model["errors"] = errors
        model["entity_path"] = "deals"
        model["list_label"] = pages.text("title_deals", locale)
        model["title"] = deal.title
        model["form_action"] = "/deals/\(deal.id)"
        if let lead = deal.leadID { model["lead_link"] = lead }
        try await common(&model, entity: .deal, id: deal.id, title: deal.title, ownerID: deal.ownerID, place: deal.place,
                         version: deal.version, amount: deal.amount, currency: deal.currency, pipeline: card.pipeline,
                         items: card.lineItems, principal: principal, locale: locale)
        return pages.render("pipeline_record", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// What both cards show: the record, its stage path and hint, lines, tasks, history.
    func common(_ model: inout [String: Any], entity: PipelineEntity, id: Int64, title: String, ownerID: Int64, place: StagePlace,
                version: Int64, amount: Int64?, currency: String, pipeline: Pipeline, items: [LineItem], principal: Principal,
                locale: AppLocale) async throws {
        let names = try await support.owners(selected: ownerID, by: principal).names
        let zone = principal.user.timeZone
        model["record"] = ["id": id, "title": title, "version": version,
                           "amount": amount.map { Formatting.money($0, currency: currency, locale: locale) } ?? ""]
        model["owner_name"] = names[ownerID] ?? "#\(ownerID)"
        model["pipeline_id"] = pipeline.id
        let current = pipeline.stage(place.stageID)
        if let current {
            model["stage"] = ["name": current.name, "color": current.color, "hint": current.hint ?? "", "hint_link": current.hintLink ?? ""]
        }
        if let reasonID = place.closeReasonID {
            model["close_reason"] = try await pipelines.reasons(entity, includeArchived: true, by: principal)
                .first { $0.id == reasonID }?.label ?? ""
        }
        let canMove = principal.may(.update, entity.permission)
        model["path"] = pipeline.stages.filter { $0.kind == .open || $0.id == place.stageID || $0.kind == .won }.map { stage -> [String: Any] in
            ["id": stage.id, "name": stage.name, "color": stage.color, "current": stage.id == place.stageID,
             "passed": current.map { stage.position < $0.position } ?? false, "closed": stage.kind != .open, "can_move": canMove]
        }
        let amounts = LineAmounts.of(items)
        model["has_items"] = !items.isEmpty
        model["items"] = items.map { item -> [String: Any] in
            let line = LineAmounts.of(item)
            return ["name": item.name, "quantity": "\(item.quantity)", "unit": item.unit ?? "",
                    "price": Formatting.money(item.price, currency: currency, locale: locale),
                    "discount": item.discountPercent.map { "\($0) %" } ?? "",
                    "tax": Formatting.money(line.tax, currency: currency, locale: locale),
                    "total": Formatting.money(line.total, currency: currency, locale: locale)]
        }
        model["items_tax"] = Formatting.money(amounts.tax, currency: currency, locale: locale)
        model["items_total"] = Formatting.money(amounts.total, currency: currency, locale: locale)
        model.merge(try await tasksCard.model(entity.rawValue, id, names: names, by: principal, locale: locale)) { _, new in new }
        let history = try await (entity == .lead ? leads.history(id, page: .init(limit: 100), by: principal)
                                                  : deals.history(id, page: .init(limit: 100), by: principal)).items
        model["timeline"] = support.timeline(history, names: names, locale: locale, timeZone: zone, definitions: [])
    }

    // MARK: forms

    static func lines(_ text: String?) -> [String]? {
        text.map { $0.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    static func leadInput(_ form: PageForm) -> LeadInput {
        var input = LeadInput()
        input.title = form["title"]
        input.firstName = form["first_name"]
        input.middleName = form["middle_name"]
        input.lastName = form["last_name"]
        input.phones = lines(form["phones"])
        input.emails = lines(form["emails"])
        input.companyName = form["company_name"]
        input.source = form["source"]
        input.topic = form["topic"]
        input.clientType = form["client_type"]
        input.objectAddress = form["object_address"]
        input.amount = form["amount"].map(MoneyText.init)
        input.comments = form["comments"]
        return input
    }

    static func dealInput(_ form: PageForm) -> DealInput {
        var input = DealInput()
        input.title = form["title"]
        input.amount = form["amount"].map(MoneyText.init)
        input.closeDate = form["close_date"]
        if let text = form.text("probability") { input.probability = Int(text) ?? -1 }
        return input
    }

    /// A refusal as the form shows it: field errors by field, a gate's refusal or a possible
    /// duplicate as one general message.
    func formErrors(_ error: RapportError, _ request: Request, _ context: RapportRequestContext) throws -> [String: String] {
        let locale = pages.locale(request, context)
        switch error {
        case .validation(let errors):
            var out: [String: String] = [:]
            for e in errors {
                let field = e.field.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
                out[field] = out[field] ?? e.message
            }
            return out
        case .moveRefused(let refusal):
            return ["general": pages.text("error_move_refused", locale) + " " + refusal.descriptions(locale).joined(separator: ", ")]
        case .stale:
            return ["version": pages.text("error_stale", locale)]
        case .conflict(let message):
            return ["general": message]
        default:
            throw error
        }
    }
}
