import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/clients/companies`: the list and the card.
struct CompanyPages {
    let pages: PageRenderer
    let companies: CompanyService
    let contacts: ContactService
    let support: ClientPageSupport
    let ties: RelationshipPages
    let views: SavedViewPages
    let files: AttachmentPages
    let taskCard: RecordTasksCard
    let interactionCard: RecordInteractionsCard

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("clients/companies") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            let query = QueryReader(request: request)
            let filter = try ClientsAPI.query(request)
            let page = try await companies.list(filter, page: try query.page(), by: principal)
            let names = try await support.owners(selected: nil, by: principal).names
            let definitions = try await support.definitions(.company, by: principal)
            let zone = principal.user.timeZone
            var model = try await pages.model(request, context, titleKey: "title_companies", nav: "companies")
            model["companies"] = page.items.map { c -> [String: Any] in
                [
                    "id": c.id, "href": "/clients/companies/\(c.id)", "short_name": c.shortName,
                    "full_name": c.fullName ?? "", "inn": c.inn ?? "",
                    "kind_label": pages.text("kind_\(c.kind.rawValue)", locale),
                    "status_label": pages.text("client_status_\(c.status.rawValue)", locale),
                    "status_class": c.status.rawValue, "region": c.region ?? "",
                    "owner_name": c.ownerID.flatMap { names[$0] } ?? "",
                    "phone": c.channels.first { $0.kind == .phone }?.value ?? "",
                    "email": c.channels.first { $0.kind == .email }?.value ?? "",
                    "custom_cells": support.customCells(definitions, c.custom, names: names, locale: locale, timeZone: zone),
                ]
            }
            model["filters"] = ["q": filter.search ?? ""]
            model.merge(support.customListModel(definitions, request: request, listPath: "/clients/companies",
                                                locale: locale)) { $1 }
            model["kinds"] = CompanyKind.allCases.map {
                PageModel.option($0.rawValue, pages.text("kind_\($0.rawValue)", locale), selected: $0 == filter.kind)
            }
            model["statuses"] = ClientStatus.allCases.map {
                PageModel.option($0.rawValue, pages.text("client_status_\($0.rawValue)", locale), selected: $0 == filter.status)
            }
            if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
            model["can_create"] = principal.may(.create, .company)
            if principal.may(.export, .company) {
                let query = Self.filters(request)
                model["has_export"] = true
                model["export_links"] = [
                    ["href": "/api/v1/companies/export.csv" + query, "label": pages.text("export_csv", locale)],
                    ["href": "/api/v1/companies/export.xlsx" + query, "label": pages.text("export_xlsx", locale)],
                ]
            }
            model["empty"] = page.items.isEmpty
            model.merge(try await views.model(entity: "company", listPath: "/clients/companies", request: request,
                                              by: principal)) { $1 }
            return pages.render("companies", model, request: request)
        }
        group.get("clients/companies/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .company) else { throw RapportError.forbidden }
            return try await card(request, context, company: nil, values: [:], errors: [:])
        }
        group.post("clients/companies") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let definitions = try await support.definitions(.company, by: principal)
            do {
                let company = try await companies.create(input(form, existing: nil, definitions: definitions, principal: principal),
                                                         allowDuplicates: form["allow_duplicates"] == "true", by: principal)
                return pages.redirect(to: "/clients/companies/\(company.id)", flash: "flash_created")
            } catch RapportError.possibleDuplicates(let candidates) {
                return try await card(request, context, company: nil, values: form.values, errors: [:],
                                      duplicates: candidates)
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, company: nil, values: form.values,
                                      errors: formErrors(error, locale: pages.locale(request, context)))
            }
        }
        group.get("clients/companies/{id}") { request, context in
            let company = try await companies.get(try context.id(entity: "company"), by: try context.requirePrincipal())
            return try await card(request, context, company: company, values: [:], errors: [:])
        }
        group.post("clients/companies/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "company")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let existing = try await companies.get(id, by: principal)
            let definitions = try await support.definitions(.company, by: principal)
            do {
                _ = try await companies.update(id, input(form, existing: existing, definitions: definitions, principal: principal),
                                               expectedVersion: form.id("version"),
                                               allowDuplicates: form["allow_duplicates"] == "true", by: principal)
                return pages.redirect(to: "/clients/companies/\(id)", flash: "flash_saved")
            } catch RapportError.possibleDuplicates(let candidates) {
                return try await card(request, context, company: existing, values: form.values, errors: [:],
                                      duplicates: candidates)
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await card(request, context, company: existing, values: form.values,
                                      errors: formErrors(error, locale: pages.locale(request, context)))
            }
        }
        group.post("clients/companies/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await companies.delete(try context.id(entity: "company"), expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/clients/companies", flash: "flash_deleted")
        }
    }

    /// The list's filters as a query string for an export link (the cursor left out).
    static func filters(_ request: Request) -> String {
        var items = URLComponents()
        items.queryItems = request.uri.queryParameters.filter { $0.key != "cursor" }
            .map { URLQueryItem(name: String($0.key), value: String($0.value)) }
        return (items.queryItems?.isEmpty ?? true) ? "" : "?" + (items.percentEncodedQuery ?? "")
    }

    /// Form errors by the form's field names (channels and addresses are text areas there).
    func formErrors(_ error: RapportError, locale: AppLocale) -> [String: String] {
        var errors: [String: String] = [:]
        for (field, message) in pages.errors(error, locale) {
            let name: String
            if field.hasPrefix("channels") { name = "channels" } else if field.hasPrefix("bank_account.") {
                name = String(field.dropFirst("bank_account.".count))
            } else if field.hasPrefix("addresses") { name = "legal_address" } else { name = ClientPageSupport.formField(field) }
            if errors[name] == nil { errors[name] = message }
        }
        if let message = errors["channels"] { errors["phones"] = message; errors["emails"] = message }
        return errors
    }

    func input(_ form: PageForm, existing: Company?, definitions: [CustomFieldDefinition], principal: Principal)
        -> CompanyInput
    {
        let old = existing?.channels ?? []
        var addresses = (existing?.addresses ?? []).filter { $0.kind != "legal" && $0.kind != "delivery" }
        if let text = form.text("legal_address") { addresses.append(Address(kind: "legal", text: text)) }
        if let text = form.text("delivery_address") { addresses.append(Address(kind: "delivery", text: text)) }
        return CompanyInput(
            kind: form.text("kind"), status: form.text("status"), shortName: form["short_name"],
            fullName: form["full_name"] ?? "", inn: form["inn"] ?? "", kpp: form["kpp"] ?? "",
            foreignTaxID: form["foreign_tax_id"] ?? "", addresses: addresses,
            bankAccount: BankAccount(bankName: form.text("bank_name"), bik: form.text("bik"), account: form.text("account"),
                                     correspondentAccount: form.text("correspondent_account")),
            channels: ClientPageSupport.merged(form, [("phones", .phone), ("emails", .email), ("websites", .website)],
                                               existing: old),
            region: form["region"] ?? "", timeZone: form["time_zone"] ?? "", reliability: form["reliability"] ?? "",
            clientClass: form["client_class"] ?? "", priceType: form["price_type"] ?? "",
            deliveryTerms: form["delivery_terms"] ?? "", leadTimeDays: form.text("lead_time_days").flatMap { Int($0) },
            advertisingSource: form["advertising_source"] ?? "", birthday: form["birthday"] ?? "",
            workStartedOn: form["work_started_on"] ?? "", ownerID: form.id("owner_id").flatMap { $0 == 0 ? nil : $0 },
            custom: CustomFieldForm.inputs(form, definitions, timeZone: principal.user.timeZone))
    }

    func card(_ request: Request, _ context: RapportRequestContext, company: Company?, values: [String: String],
              errors: [String: String], duplicates: [DuplicateCandidate] = []) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: company == nil ? "title_new_company" : "title_companies",
                                          nav: "companies")
        let owner = values["owner_id"].flatMap { Int64($0) } ?? company?.ownerID ?? principal.userID
        let (owners, names) = try await support.owners(selected: owner, by: principal)
        var shown: [String: Any] = [:]
        if let c = company {
            model["title"] = c.shortName
            shown = [
                "id": c.id, "version": c.version, "short_name": c.shortName, "full_name": c.fullName ?? "",
                "inn": c.inn ?? "", "kpp": c.kpp ?? "", "foreign_tax_id": c.foreignTaxID ?? "", "region": c.region ?? "",
                "time_zone": c.timeZone ?? "", "client_class": c.clientClass ?? "", "price_type": c.priceType ?? "",
                "delivery_terms": c.deliveryTerms ?? "", "lead_time_days": c.leadTimeDays.map(String.init) ?? "",
                "advertising_source": c.advertisingSource ?? "", "birthday": c.birthday?.description ?? "",
                "work_started_on": c.workStartedOn?.description ?? "",
                "legal_address": c.addresses.first { $0.kind == "legal" }?.text ?? "",
                "delivery_address": c.addresses.first { $0.kind == "delivery" }?.text ?? "",
                "phones": ClientPageSupport.lines(c.channels, .phone), "emails": ClientPageSupport.lines(c.channels, .email),
                "websites": ClientPageSupport.lines(c.channels, .website), "bank_name": c.bankAccount?.bankName ?? "",
                "bik": c.bankAccount?.bik ?? "", "account": c.bankAccount?.account ?? "",
                "correspondent_account": c.bankAccount?.correspondentAccount ?? "",
                "kind_label": pages.text("kind_\(c.kind.rawValue)", locale),
                "status_label": pages.text("client_status_\(c.status.rawValue)", locale), "status_class": c.status.rawValue,
                "owner_name": c.ownerID.flatMap { names[$0] } ?? "",
                "owner_initials": ClientPageSupport.initials(c.ownerID.flatMap { names[$0] }),
            ]
        }
        for (key, value) in values where key != "_csrf" { shown[key] = value }
        model["company"] = shown
        model["is_new"] = company == nil
        model["form_action"] = company.map { "/clients/companies/\($0.id)" } ?? "/clients/companies"
        let kind = values["kind"] ?? company?.kind.rawValue ?? CompanyKind.client.rawValue
        model["kinds"] = CompanyKind.allCases.map {
            PageModel.option($0.rawValue, pages.text("kind_\($0.rawValue)", locale), selected: $0.rawValue == kind)
        }
        let status = values["status"] ?? company?.status.rawValue ?? ClientStatus.prospect.rawValue
        model["statuses"] = ClientStatus.allCases.map {
            PageModel.option($0.rawValue, pages.text("client_status_\($0.rawValue)", locale), selected: $0.rawValue == status)
        }
        let reliability = values["reliability"] ?? company?.reliability?.rawValue ?? ""
        model["reliabilities"] = [PageModel.option("", pages.text("reliability_none", locale), selected: reliability.isEmpty)]
            + Reliability.allCases.map {
                PageModel.option($0.rawValue, pages.text("reliability_\($0.rawValue)", locale), selected: $0.rawValue == reliability)
            }
        model["owners"] = owners
        model["errors"] = errors
        let definitions = try await support.definitions(.company, by: principal)
        model.merge(support.customSection(definitions, values: company?.custom ?? [:], submitted: values, errors: errors,
                                          names: names, locale: locale, timeZone: principal.user.timeZone)) { $1 }
        model["duplicates"] = support.duplicates(duplicates, locale: locale)
        model["has_duplicates"] = !duplicates.isEmpty
        if let c = company {
            model["can_edit"] = principal.may(.update, .company)
            if principal.may(.delete, .company) { model["delete_action"] = "/clients/companies/\(c.id)/delete" }
            model["contacts"] = try await contacts.people(ofCompany: c.id, by: principal).map { person -> [String: Any] in
                ["href": "/clients/contacts/\(person.contact.id)", "name": person.contact.displayName,
                 "role": person.role ?? "", "phone": person.contact.channels.first { $0.kind == .phone }?.value ?? ""]
            }
            model["new_contact_href"] = "/clients/contacts/new?company_id=\(c.id)"
            model.merge(try await taskCard.model("company", c.id, names: names, by: principal, locale: locale)) { $1 }
            model.merge(try await interactionCard.model("company", c.id, name: c.shortName, names: names,
                                                        phones: c.channels.filter { $0.kind == .phone }.map(\.value),
                                                        by: principal, locale: locale)) { $1 }
            model.merge(try await files.model(ReadableRecord(c), canEdit: principal.may(.update, .company), names: names,
                                              by: principal, locale: locale)) { $1 }
            model.merge(try await ties.model(ReadableRecord(c), canEdit: principal.may(.update, .company), by: principal,
                                             locale: locale)) { $1 }
            let events = try await companies.history(of: ReadableRecord(c), page: .init(limit: 100), by: principal).items
            model["timeline"] = support.timeline(events, names: names, locale: locale, timeZone: principal.user.timeZone,
                                                 definitions: definitions)
            model["timeline_empty"] = events.isEmpty
        } else {
            model["can_edit"] = principal.may(.create, .company)
        }
        let refused = !errors.isEmpty || !duplicates.isEmpty
        return pages.render("company", model, request: request, status: refused ? .unprocessableContent : .ok)
    }
}
