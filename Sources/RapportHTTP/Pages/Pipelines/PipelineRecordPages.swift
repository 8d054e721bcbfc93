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
    let companies: CompanyService
    let contacts: ContactService
    let support: ClientPageSupport
    let tasksCard: RecordTasksCard
    let interactionCard: RecordInteractionsCard
    let visitPages: VisitPages
    let files: AttachmentPages
    let messages: MessagesCard
    let documents: DocumentsCard

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
                let lead = try await leads.create(PipelineRecordForms.leadInput(form), by: principal)
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
                _ = try await leads.update(id, PipelineRecordForms.leadInput(form), expectedVersion: form.id("version"), by: principal)
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
        group.get("deals/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .deal) else { throw RapportError.forbidden }
            var values: [String: String] = [:]
            let query = QueryReader(request: request)
            for name in ["pipeline_id", "company_id", "contact_id"] {
                if let id = try query.int64(name) { values[name] = String(id) }
            }
            return try await dealCard(request, context, card: nil, values: values, errors: [:])
        }
        group.post("deals/new") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let deal = try await deals.create(PipelineRecordForms.dealInput(form), by: principal)
                return pages.redirect(to: "/deals/\(deal.id)", flash: "flash_created")
            } catch let error as RapportError {
                return try await dealCard(request, context, card: nil, values: form.values, errors: try formErrors(error, request, context))
            }
        }
        group.post("leads/{id}/items") { request, context in
            try await saveItems(request, context, entity: "lead", save: { id, lines, version, principal in
                var input = LeadInput()
                input.lineItems = lines
                _ = try await leads.update(id, input, expectedVersion: version, by: principal)
            }, refused: { id, values, errors, principal in
                try await leadCard(request, context, card: try await leads.get(id, by: principal), values: values, errors: errors)
            })
        }
        group.post("deals/{id}/items") { request, context in
            try await saveItems(request, context, entity: "deal", save: { id, lines, version, principal in
                var input = DealInput()
                input.lineItems = lines
                _ = try await deals.update(id, input, expectedVersion: version, by: principal)
            }, refused: { id, values, errors, principal in
                try await dealCard(request, context, card: try await deals.get(id, by: principal), values: values, errors: errors)
            })
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
                _ = try await deals.update(id, PipelineRecordForms.dealInput(form), expectedVersion: form.id("version"), by: principal)
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
        let amount = lead?.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(lead?.currency)) }
        let texts: [(String, String, String?, Bool)] = [
            ("title", "title", lead?.title, true),
            ("last_name", "last_name", lead?.lastName, false),
            ("first_name", "first_name", lead?.firstName, false),
            ("middle_name", "middle_name", lead?.middleName, false),
            ("phones", "phone", lead?.phones.joined(separator: "\n"), false),
            ("emails", "email", lead?.emails.joined(separator: "\n"), false),
            ("company_name", "company_name", lead?.companyName, false),
            ("source", "source", lead?.source, false),
            ("topic", "topic", lead?.topic, false),
            ("client_type", "client_type", lead?.clientType, false),
            ("object_address", "object_address", lead?.objectAddress, true),
            ("region", "region", lead?.region, false),
            ("language", "language", lead?.language, false),
            ("amount", "amount", amount, false),
            ("comments", "comments", lead?.comments, true),
        ]
        var model = try await pages.model(request, context, titleKey: "title_leads", nav: "leads")
        var fields = texts.map { name, label, current, wide in
            PipelineRecordForms.field(name, PipelineFieldLabels.label(label, locale), values[name] ?? current ?? "", wide: wide,
                                      textarea: ["phones", "emails", "comments"].contains(name),
                                      hint: ["phones", "emails"].contains(name) ? pages.text("hint_one_per_line", locale) : "",
                                      error: errors[name])
        }
        fields.append(try await ownerField(values["owner_id"].flatMap { Int64($0) } ?? lead?.ownerID ?? principal.userID,
                                           principal: principal, locale: locale, error: errors["owner_id"]))
        model["fields"] = fields
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
                         version: lead.version, amount: lead.amount, preliminary: lead.preliminaryAmount, currency: lead.currency,
                         pipeline: card.pipeline,
                         items: card.lineItems, phones: lead.phones, readable: ReadableRecord(lead), principal: principal, locale: locale,
                         values: values, errors: errors)
        return pages.render("pipeline_record", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// A deal's card, or (without `card`) the form of a new deal.
    func dealCard(_ request: Request, _ context: RapportRequestContext, card: DealService.Card?, values: [String: String],
                  errors: [String: String]) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let deal = card?.record
        func value(_ name: String, _ current: String?) -> String { values[name] ?? current ?? "" }
        var model = try await pages.model(request, context, titleKey: "title_deals", nav: "deals")
        let company = try await client(.company, PageForm.pickedID(values["company_id"], values["company_id_query"]) ?? deal?.companyID,
                                       by: principal)
        let contact = try await client(.contact, PageForm.pickedID(values["contact_id"], values["contact_id_query"]) ?? deal?.contactID,
                                       by: principal)
        func label(_ name: String) -> String { PipelineFieldLabels.label(name, locale) }
        model["fields"] = [
            PipelineRecordForms.field("title", label("title"), value("title", deal?.title), wide: true, error: errors["title"]),
            PipelineRecordForms.picker("company_id", pages.text("field_company_id", locale), entity: "company", id: company?.id,
                                       text: values["company_id_query"] ?? company?.label ?? "",
                                       placeholder: pages.text("picker_company_placeholder", locale),
                                       hint: pages.text("picker_hint", locale), error: errors["company_id"]),
            PipelineRecordForms.picker("contact_id", pages.text("field_contact_id", locale), entity: "contact", id: contact?.id,
                                       text: values["contact_id_query"] ?? contact?.label ?? "",
                                       placeholder: pages.text("picker_contact_placeholder", locale),
                                       hint: pages.text("picker_hint", locale), error: errors["contact_id"]),
            PipelineRecordForms.field("amount", label("amount"),
                                      value("amount", deal?.amount.map { MinorUnits.text($0, digits: MinorUnits.digits(deal?.currency)) }),
                                      error: errors["amount"]),
            PipelineRecordForms.field("close_date", label("close_date"), value("close_date", deal?.closeDate?.description), type: "date",
                                      error: errors["close_date"]),
            PipelineRecordForms.field("probability", label("probability"), value("probability", deal?.probability.map(String.init)),
                                      type: "number", error: errors["probability"]),
            try await ownerField(values["owner_id"].flatMap { Int64($0) } ?? deal?.ownerID ?? principal.userID,
                                 principal: principal, locale: locale, error: errors["owner_id"]),
        ]
        model["errors"] = errors
        model["entity_path"] = "deals"
        model["list_label"] = pages.text("title_deals", locale)
        model["new_label"] = pages.text("deal_new", locale)
        guard let card, let deal else {
            model["is_new"] = true
            model["form_action"] = "/deals/new"
            model["new_pipeline_id"] = values["pipeline_id"] ?? ""
            return pages.render("pipeline_record", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
        }
        model["title"] = deal.title
        model["form_action"] = "/deals/\(deal.id)"
        if let lead = deal.leadID { model["lead_link"] = lead }
        if let company = try await client(.company, deal.companyID, by: principal) { model["client_company"] = company.link }
        if let contact = try await client(.contact, deal.contactID, by: principal) { model["client_contact"] = contact.link }
        try await common(&model, entity: .deal, id: deal.id, title: deal.title, ownerID: deal.ownerID, place: deal.place,
                         version: deal.version, amount: deal.amount, preliminary: deal.preliminaryAmount, currency: deal.currency,
                         pipeline: card.pipeline,
                         items: card.lineItems, phones: deal.clientChannels.filter { $0.kind == .phone }.map(\.value),
                         readable: ReadableRecord(deal), principal: principal, locale: locale, values: values, errors: errors)
        return pages.render("pipeline_record", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// A deal's company or contact as the card shows it: the picker's text and the header's link;
    /// nil for none, or for one the principal may not see.
    func client(_ entity: PermissionEntity, _ id: Int64?, by principal: Principal) async throws
        -> (id: Int64, label: String, link: [String: Any])?
    {
        guard let id, id > 0 else { return nil }
        do {
            let name = entity == .company ? try await companies.get(id, by: principal).shortName
                : try await contacts.get(id, by: principal).contact.displayName
            let href = entity == .company ? "/clients/companies/\(id)" : "/clients/contacts/\(id)"
            return (id, "\(name) · #\(id)", ["name": name, "href": href])
        } catch RapportError.notFound {
            return nil
        }
    }

    /// The responsible: active users the principal may see, the current one selected.
    func ownerField(_ selected: Int64, principal: Principal, locale: AppLocale, error: String?) async throws -> [String: Any] {
        PipelineRecordForms.select("owner_id", pages.text("field_owner_id", locale),
                                   options: try await support.owners(selected: selected, by: principal).options, error: error)
    }

    /// The line items editor's save: the whole list replaced, or the card again with the rows as sent.
    func saveItems(_ request: Request, _ context: RapportRequestContext, entity: String,
                   save: (Int64, [LineItemInput], Int64?, Principal) async throws -> Void,
                   refused: (Int64, [String: String], [String: String], Principal) async throws -> Response) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.id(entity: entity)
        let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
        do {
            try await save(id, PipelineRecordForms.lineItems(form), form.id("version"), principal)
            return pages.redirect(to: "/\(entity)s/\(id)#line-items", flash: "flash_saved")
        } catch let error as RapportError {
            return try await refused(id, form.values, try itemErrors(error, request, context), principal)
        }
    }

    /// A refused save of the line items editor: its message shown in the editor.
    func itemErrors(_ error: RapportError, _ request: Request, _ context: RapportRequestContext) throws -> [String: String] {
        let locale = pages.locale(request, context)
        if case .validation(let errors) = error {
            let labels = ["name": "line_item_name", "quantity": "line_item_quantity", "unit": "line_item_unit",
                          "price": "line_item_price", "discount_percent": "line_item_discount_percent",
                          "tax_percent": "line_item_tax_percent"]
            let lines = errors.map { e -> String in
                guard let match = e.field.firstMatch(of: /line_items\[(\d+)\]\.?(\w*)/), let n = Int(match.1) else {
                    return pages.message(e, locale)
                }
                let field = labels[String(match.2)].map { " · " + pages.text($0, locale) } ?? ""
                return "\(pages.text("line_item_row", locale)) \(n + 1)\(field): \(pages.message(e, locale))"
            }
            return ["items": lines.joined(separator: "; ")]
        }
        return ["items": try formErrors(error, request, context).values.joined(separator: " ")]
    }

    /// What both cards show: the record, its stage path and hint, lines, tasks, history.
    func common(_ model: inout [String: Any], entity: PipelineEntity, id: Int64, title: String, ownerID: Int64, place: StagePlace,
                version: Int64, amount: Int64?, preliminary: Int64?, currency: String, pipeline: Pipeline, items: [LineItem], phones: [String],
                readable: ReadableRecord, principal: Principal, locale: AppLocale, values: [String: String], errors: [String: String]) async throws {
        let names = try await support.owners(selected: ownerID, by: principal).names
        let zone = principal.user.timeZone
        model["record"] = ["id": id, "title": title, "version": version,
                           "amount": amount.map { Formatting.money($0, currency: currency, locale: locale) } ?? "",
                           "preliminary": preliminary.map { Formatting.money($0, currency: currency, locale: locale) } ?? ""]
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
        if principal.may(.update, entity.permission) {
            model["can_edit_items"] = true
            // A refused save shows the rows as they were sent, to be corrected.
            model["item_rows"] = errors["items"] != nil ? PipelineRecordForms.itemRows(sent: values)
                : PipelineRecordForms.itemRows(items, currency: currency)
            model["items_error"] = errors["items"] ?? ""
        }
        model.merge(try await tasksCard.model(entity.rawValue, id, names: names, by: principal, locale: locale)) { _, new in new }
        model.merge(try await interactionCard.model(entity.rawValue, id, name: title, names: names, phones: phones, by: principal,
                                                    locale: locale)) {
            _, new in new
        }
        model.merge(try await messages.model(.init(entity: entity.rawValue, id: id), by: principal, locale: locale)) { _, new in new }
        model.merge(try await documents.model(.init(entity: entity.rawValue, id: id), by: principal, locale: locale)) { _, new in new }
        model.merge(try await files.model(readable, canEdit: principal.may(.update, entity.permission), names: names, by: principal,
                                          locale: locale)) { _, new in new }
        model.merge(try await visitPages.card(.init(entity: entity.rawValue, id: id),
                                              price: (amount, preliminary, currency, version), names: names, by: principal,
                                              locale: locale)) {
            _, new in new
        }
        let history = try await (entity == .lead ? leads.history(id, page: .init(limit: 100), by: principal)
                                                  : deals.history(id, page: .init(limit: 100), by: principal)).items
        model["timeline"] = support.timeline(history, names: names, locale: locale, timeZone: zone, definitions: [])
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
                out[field] = out[field] ?? pages.message(e, locale)
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
