import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/clients/contacts`: the list and the card, with the person's local time.
struct ContactPages {
    let pages: PageRenderer
    let contacts: ContactService
    let companies: CompanyService
    let support: ClientPageSupport
    let ties: RelationshipPages
    let views: SavedViewPages
    let files: AttachmentPages
    let taskCard: RecordTasksCard
    let interactionCard: RecordInteractionsCard

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("clients/contacts") { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryReader(request: request)
            let locale = pages.locale(request, context)
            var filter = try ClientsAPI.query(request)
            filter.kind = nil; filter.status = nil
            let page = try await contacts.list(filter, page: try query.page(), by: principal)
            let names = try await support.owners(selected: nil, by: principal).names
            let definitions = try await support.definitions(.contact, by: principal)
            let zone = principal.user.timeZone
            let companiesOf = try await contacts.companyNames(of: page.items, by: principal)
            var model = try await pages.model(request, context, titleKey: "title_contacts", nav: "contacts")
            model["contacts"] = page.items.map { c -> [String: Any] in
                [
                    "id": c.id, "href": "/clients/contacts/\(c.id)", "name": c.displayName, "position": c.position ?? "",
                    "companies": (companiesOf[c.id] ?? []).joined(separator: ", "),
                    "phone": c.channels.first { $0.kind == .phone }?.value ?? "",
                    "email": c.channels.first { $0.kind == .email }?.value ?? "",
                    "owner_name": c.ownerID.flatMap { names[$0] } ?? "",
                    "local_time": c.timeZone.map { Formatting.clock(Date(), timeZone: $0) } ?? "",
                    "custom_cells": support.customCells(definitions, c.custom, names: names, locale: locale, timeZone: zone),
                ]
            }
            model["filters"] = ["q": filter.search ?? ""]
            model.merge(support.customListModel(definitions, request: request, listPath: "/clients/contacts",
                                                locale: locale)) { $1 }
            if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
            model["can_create"] = principal.may(.create, .contact)
            if principal.may(.export, .contact) {
                let query = CompanyPages.filters(request)
                model["has_export"] = true
                model["export_links"] = [
                    ["href": "/api/v1/contacts/export.csv" + query, "label": pages.text("export_csv", locale)],
                    ["href": "/api/v1/contacts/export.xlsx" + query, "label": pages.text("export_xlsx", locale)],
                    ["href": "/api/v1/contacts/export.vcf" + query, "label": pages.text("export_vcard", locale)],
                    ["href": "/api/v1/contacts/export.vcf" + (query.isEmpty ? "?" : query + "&") + "version=4.0",
                     "label": pages.text("export_vcard4", locale)],
                ]
            }
            if principal.may(.create, .activity) {
                // A call list of the contacts this filter finds (the list page asks its name).
                let filters = CompanyPages.filters(request)
                model["call_list_href"] = "/call-lists?query="
                    + (String(filters.dropFirst()).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "#call-list-new"
            }
            model["empty"] = page.items.isEmpty
            model.merge(try await views.model(entity: "contact", listPath: "/clients/contacts", request: request,
                                              by: principal)) { $1 }
            return pages.render("contacts", model, request: request)
        }
        group.get("clients/contacts/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .contact) else { throw RapportError.forbidden }
            var values: [String: String] = [:]
            if let company = try QueryReader(request: request).int64("company_id") { values["company_id"] = String(company) }
            return try await card(request, context, card: nil, values: values, errors: [:])
        }
        group.post("clients/contacts") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let definitions = try await support.definitions(.contact, by: principal)
            do {
                let card = try await contacts.create(input(form, existing: nil, definitions: definitions, principal: principal),
                                                     allowDuplicates: form["allow_duplicates"] == "true", by: principal)
                return pages.redirect(to: "/clients/contacts/\(card.contact.id)", flash: "flash_created")
            } catch RapportError.possibleDuplicates(let candidates) {
                return try await self.card(request, context, card: nil, values: form.values, errors: [:],
                                           duplicates: candidates)
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, card: nil, values: form.values, errors: formErrors(error, request, context))
            }
        }
        group.get("clients/contacts/{id}") { request, context in
            let card = try await contacts.get(try context.id(entity: "contact"), by: try context.requirePrincipal())
            return try await self.card(request, context, card: card, values: [:], errors: [:])
        }
        group.post("clients/contacts/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "contact")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let existing = try await contacts.get(id, by: principal)
            let definitions = try await support.definitions(.contact, by: principal)
            do {
                _ = try await contacts.update(id, input(form, existing: existing, definitions: definitions, principal: principal),
                                              expectedVersion: form.id("version"),
                                              allowDuplicates: form["allow_duplicates"] == "true", by: principal)
                return pages.redirect(to: "/clients/contacts/\(id)", flash: "flash_saved")
            } catch RapportError.possibleDuplicates(let candidates) {
                return try await card(request, context, card: existing, values: form.values, errors: [:],
                                      duplicates: candidates)
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, card: existing, values: form.values,
                                      errors: formErrors(error, request, context))
            }
        }
        group.post("clients/contacts/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await contacts.delete(try context.id(entity: "contact"), expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/clients/contacts", flash: "flash_deleted")
        }
    }

    func formErrors(_ error: RapportError, _ request: Request, _ context: RapportRequestContext) -> [String: String] {
        var errors: [String: String] = [:]
        for (field, message) in pages.errors(error, pages.locale(request, context)) {
            let name = field.hasPrefix("channels") ? "emails"
                : (field.hasPrefix("companies") ? "company_id" : ClientPageSupport.formField(field))
            if errors[name] == nil { errors[name] = message }
        }
        return errors
    }

    /// The form's one company select replaces the first link and keeps any others (set through the API).
    func input(_ form: PageForm, existing: ContactService.Card?, definitions: [CustomFieldDefinition],
               principal: Principal) -> ContactInput {
        let old = existing?.contact.channels ?? []
        var links = (existing?.links ?? []).map { ContactInput.LinkInput(companyID: $0.companyID, role: $0.role) }
        let chosen = PageForm.pickedID(form["company_id"], form["company_id_query"]) ?? 0
        if !links.isEmpty { links.removeFirst() }
        if chosen != 0 {
            links.removeAll { $0.companyID == chosen }
            links.insert(.init(companyID: chosen, role: form.text("company_role")), at: 0)
        }
        return ContactInput(
            firstName: form["first_name"], middleName: form["middle_name"] ?? "", lastName: form["last_name"] ?? "",
            position: form["position"] ?? "",
            channels: ClientPageSupport.merged(form, [("phones", .phone), ("emails", .email), ("messengers", .messenger)],
                                               existing: old),
            birthday: form["birthday"] ?? "", timeZone: form["time_zone"] ?? "", region: form["region"] ?? "",
            ownerID: form.id("owner_id").flatMap { $0 == 0 ? nil : $0 }, companies: links,
            custom: CustomFieldForm.inputs(form, definitions, timeZone: principal.user.timeZone))
    }

    func card(_ request: Request, _ context: RapportRequestContext, card: ContactService.Card?, values: [String: String],
              errors: [String: String], duplicates: [DuplicateCandidate] = []) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: card == nil ? "title_new_contact" : "title_contacts",
                                          nav: "contacts")
        let contact = card?.contact
        let owner = values["owner_id"].flatMap { Int64($0) } ?? contact?.ownerID ?? principal.userID
        let (owners, names) = try await support.owners(selected: owner, by: principal)
        // Names of the companies this form shows: the contact's links and a chosen one.
        let chosenCompany = PageForm.pickedID(values["company_id"], values["company_id_query"]) ?? card?.links.first?.companyID
        var companyNames: [Int64: String] = [:]
        for companyID in Set((card?.links.map(\.companyID) ?? []) + [chosenCompany].compactMap { $0 }) {
            do {
                companyNames[companyID] = try await companies.get(companyID, by: principal).shortName
            } catch RapportError.notFound {
                continue  // a company the viewer may not read is shown by its number only
            }
        }
        var shown: [String: Any] = [:]
        if let c = contact {
            model["title"] = c.displayName
            shown = [
                "id": c.id, "version": c.version, "first_name": c.firstName, "middle_name": c.middleName ?? "",
                "last_name": c.lastName ?? "", "position": c.position ?? "",
                "phones": ClientPageSupport.lines(c.channels, .phone), "emails": ClientPageSupport.lines(c.channels, .email),
                "messengers": ClientPageSupport.lines(c.channels, .messenger), "birthday": c.birthday?.description ?? "",
                "time_zone": c.timeZone ?? "", "region": c.region ?? "", "name": c.displayName,
                "owner_name": c.ownerID.flatMap { names[$0] } ?? "",
                "owner_initials": ClientPageSupport.initials(c.ownerID.flatMap { names[$0] }),
            ]
            if let zone = c.timeZone {
                shown["local_time"] = pages.text("local_time_line", locale)
                    .replacingOccurrences(of: "%@", with: Formatting.clock(Date(), timeZone: zone))
                    .replacingOccurrences(of: "%z", with: zone)
            }
        }
        for (key, value) in values where key != "_csrf" { shown[key] = value }
        model["contact"] = shown
        model["is_new"] = card == nil
        model["form_action"] = contact.map { "/clients/contacts/\($0.id)" } ?? "/clients/contacts"
        model["owners"] = owners
        model["company_choice"] = chosenCompany.map { id -> [String: Any] in
            ["id": id, "label": companyNames[id].map { "\($0) · #\(id)" } ?? "#\(id)"]
        } ?? ["id": "", "label": values["company_id_query"] ?? ""]
        model["company_role"] = values["company_role"] ?? card?.links.first?.role ?? ""
        model["errors"] = errors
        let definitions = try await support.definitions(.contact, by: principal)
        model.merge(support.customSection(definitions, values: contact?.custom ?? [:], submitted: values, errors: errors,
                                          names: names, locale: locale, timeZone: principal.user.timeZone)) { $1 }
        model["duplicates"] = support.duplicates(duplicates, locale: locale)
        model["has_duplicates"] = !duplicates.isEmpty
        if let card, let c = contact {
            model["can_edit"] = principal.may(.update, .contact)
            if principal.may(.delete, .contact) { model["delete_action"] = "/clients/contacts/\(c.id)/delete" }
            model["companies"] = card.links.map { link -> [String: Any] in
                ["href": "/clients/companies/\(link.companyID)", "name": companyNames[link.companyID] ?? "#\(link.companyID)",
                 "role": link.role ?? ""]
            }
            model.merge(try await taskCard.model("contact", c.id, names: names, by: principal, locale: locale)) { $1 }
            model.merge(try await interactionCard.model("contact", c.id, name: c.displayName, names: names,
                                                        phones: c.channels.filter { $0.kind == .phone }.map(\.value), by: principal,
                                                        locale: locale)) { $1 }
            model.merge(try await files.model(ReadableRecord(c), canEdit: principal.may(.update, .contact), names: names,
                                              by: principal, locale: locale)) { $1 }
            model.merge(try await ties.model(ReadableRecord(c), canEdit: principal.may(.update, .contact), by: principal,
                                             locale: locale)) { $1 }
            let events = try await contacts.history(of: ReadableRecord(c), page: .init(limit: 100), by: principal).items
            model["timeline"] = support.timeline(events, names: names, locale: locale, timeZone: principal.user.timeZone,
                                                 definitions: definitions)
            model["timeline_empty"] = events.isEmpty
        } else {
            model["can_edit"] = principal.may(.create, .contact)
        }
        let refused = !errors.isEmpty || !duplicates.isEmpty
        return pages.render("contact", model, request: request, status: refused ? .unprocessableContent : .ok)
    }
}
