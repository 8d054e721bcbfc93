import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The values a template's placeholders take for one record, written for the template's
/// language: money as `250 000,00 ₽` or `₽250,000.00`, dates as `20.11.2026` or `Nov 20, 2026`,
/// the total in words. Read in the caller's transaction (or read).
struct TemplateContext {
    var values: [String: String] = [:]
    var lists: [String: [[String: String]]] = [:]

    /// The values for `link` (a lead, deal, contact, company or visit). `document` names the
    /// document being made (its number and date), when one is.
    static func load(_ link: WorkTask.Link, locale: AppLocale, document: (number: String, date: Date)? = nil, now: Date,
                     env: ServiceEnvironment, _ db: any SQLDatabase) async throws -> TemplateContext {
        var context = TemplateContext()
        let settings = try await SettingsStore().get(on: db)
        let zone = settings?.timeZone ?? "UTC"
        context.values["company.name"] = settings?.name
        if let r = settings?.requisites {
            let facts: [(String, String?)] = [
                ("full_name", r.fullName ?? settings?.name), ("phone", r.phone), ("email", r.email), ("site", r.website), ("address", r.legalAddress),
                ("inn", r.inn), ("kpp", r.kpp), ("ogrn", r.ogrn), ("bank_name", r.bankAccount?.bankName), ("bik", r.bankAccount?.bik),
                ("account", r.bankAccount?.account), ("correspondent_account", r.bankAccount?.correspondentAccount),
                ("director", r.director), ("accountant", r.accountant),
            ]
            for (code, value) in facts { context.values["company." + code] = value }
        }
        context.values["today"] = Formatting.date(Self.day(now, zone), locale: locale)
        if let document {
            context.values["document.number"] = document.number
            context.values["document.date"] = Formatting.date(Self.day(document.date, zone), locale: locale)
        }
        func money(_ minor: Int64?, _ currency: String) -> String? {
            minor.map { Formatting.money($0, currency: currency, locale: locale) }
        }
        var ownerID: Int64?
        switch link.entity {
        case "lead", "visit":
            var leadID = link.id
            if link.entity == "visit" {
                guard let visit = try await VisitStore().find(id: link.id, on: db) else { throw RapportError.notFound(entity: "visit") }
                try await context.addVisit(visit, locale: locale, zone: zone, db)
                guard visit.link.entity == "lead" else {
                    return try await load(visit.link, locale: locale, document: document, now: now, env: env, db).merging(context)
                }
                leadID = visit.link.id
            }
            guard let lead = try await LeadStore().find(id: leadID, on: db) else { throw RapportError.notFound(entity: "lead") }
            ownerID = lead.ownerID
            let facts: [(String, String?)] = [
                ("title", lead.title), ("client_name", lead.clientName), ("first_name", lead.firstName), ("middle_name", lead.middleName),
                ("last_name", lead.lastName), ("phone", lead.phones.first), ("email", lead.emails.first), ("company_name", lead.companyName),
                ("source", lead.source), ("campaign", lead.campaign), ("topic", lead.topic), ("client_type", lead.clientType),
                ("object_address", lead.objectAddress), ("region", lead.region), ("language", lead.language),
                ("amount", money(lead.amount, lead.currency)), ("preliminary_amount", money(lead.preliminaryAmount, lead.currency)),
                ("currency", lead.currency), ("comments", lead.comments),
            ]
            for (code, value) in facts { context.values["lead." + code] = value }
            try await context.addCustom(lead.custom, prefix: "lead", .lead, db)
            context.addClient(name: lead.clientName ?? lead.companyName, first: lead.firstName, middle: lead.middleName,
                              phone: lead.phones.first, email: lead.emails.first, company: lead.companyName, locale: locale)
            try await context.addLines(.lead, lead.id, amount: lead.amount, currency: lead.currency, locale: locale, db)
        case "deal":
            guard let deal = try await DealStore().find(id: link.id, on: db) else { throw RapportError.notFound(entity: "deal") }
            ownerID = deal.ownerID
            let facts: [(String, String?)] = [
                ("title", deal.title), ("amount", money(deal.amount, deal.currency)),
                ("preliminary_amount", money(deal.preliminaryAmount, deal.currency)), ("currency", deal.currency),
                ("close_date", deal.closeDate.map { Formatting.date($0, locale: locale) }), ("probability", deal.probability.map { "\($0) %" }),
            ]
            for (code, value) in facts { context.values["deal." + code] = value }
            try await context.addCustom(deal.custom, prefix: "deal", .deal, db)
            let contact = try await deal.contactID.asyncMapOptional { try await ContactStore().find(id: $0, on: db) }
            let company = try await deal.companyID.asyncMapOptional { try await CompanyStore().find(id: $0, on: db) }
            let channels = contact?.channels ?? company?.channels ?? []
            context.addClient(name: contact?.displayName ?? company?.shortName, first: contact?.firstName, middle: contact?.middleName,
                              phone: channels.first { $0.kind == .phone }?.value, email: channels.first { $0.kind == .email }?.value,
                              company: company?.shortName, locale: locale)
            if let company {
                context.values["client.buyer"] = [company.fullName ?? company.shortName, company.inn.map { (locale == .ru ? "ИНН " : "INN ") + $0 }].compactMap { $0 }.joined(separator: ", ")
            }
            try await context.addLines(.deal, deal.id, amount: deal.amount, currency: deal.currency, locale: locale, db)
        case "contact":
            guard let contact = try await ContactStore().find(id: link.id, on: db) else { throw RapportError.notFound(entity: "contact") }
            ownerID = contact.ownerID
            let phone = contact.channels.first { $0.kind == .phone }?.value, email = contact.channels.first { $0.kind == .email }?.value
            let facts: [(String, String?)] = [
                ("name", contact.displayName), ("first_name", contact.firstName), ("middle_name", contact.middleName),
                ("last_name", contact.lastName), ("position", contact.position), ("phone", phone), ("email", email), ("region", contact.region),
            ]
            for (code, value) in facts { context.values["contact." + code] = value }
            try await context.addCustom(contact.custom, prefix: "contact", .contact, db)
            context.addClient(name: contact.displayName, first: contact.firstName, middle: contact.middleName, phone: phone, email: email,
                              company: nil, locale: locale)
        case "company":
            guard let company = try await CompanyStore().find(id: link.id, on: db) else { throw RapportError.notFound(entity: "company") }
            ownerID = company.ownerID
            let phone = company.channels.first { $0.kind == .phone }?.value, email = company.channels.first { $0.kind == .email }?.value
            let facts: [(String, String?)] = [
                ("name", company.shortName), ("full_name", company.fullName), ("inn", company.inn), ("kpp", company.kpp),
                ("phone", phone), ("email", email), ("region", company.region),
                ("legal_address", company.addresses.first { $0.kind == "legal" }?.text),
            ]
            for (code, value) in facts { context.values["client_company." + code] = value }
            try await context.addCustom(company.custom, prefix: "client_company", .company, db)
            context.addClient(name: company.shortName, first: nil, middle: nil, phone: phone, email: email, company: company.shortName,
                              locale: locale)
        default:
            throw RapportError.invalid("link_entity", "invalid", "a template is about a lead, deal, contact, company or visit")
        }
        if let ownerID, let owner = try await UserStore().find(id: ownerID, on: db) {
            let facts: [(String, String?)] = [
                ("name", owner.displayName), ("first_name", owner.firstName), ("last_name", owner.lastName), ("position", owner.position),
                ("phone", owner.phone), ("email", owner.email),
            ]
            for (code, value) in facts { context.values["responsible." + code] = value }
        }
        return context
    }

    /// The values of `other` added to these (these win).
    func merging(_ other: TemplateContext) -> TemplateContext {
        var merged = self
        merged.values.merge(other.values) { mine, _ in mine }
        merged.lists.merge(other.lists) { mine, _ in mine }
        return merged
    }

    /// The client: how to address them — «Уважаемая Ирина Петровна!» needs the gender, which is
    /// not known, so the Russian salutation is the neutral «Здравствуйте, Ирина Петровна!».
    mutating func addClient(name: String?, first: String?, middle: String?, phone: String?, email: String?, company: String?,
                            locale: AppLocale) {
        values["client.name"] = name
        values["client.first_name"] = first
        values["client.phone"] = phone
        values["client.email"] = email
        values["client.company"] = company
        // Who pays: the company when there is one, else the person.
        values["client.buyer"] = company ?? name
        let addressed = [first, middle].compactMap { $0 }.joined(separator: " ")
        values["client.salutation"] = locale == .ru
            ? (addressed.isEmpty ? "Здравствуйте!" : "Здравствуйте, \(addressed)!")
            : (first.map { "Dear \($0)," } ?? "Hello,")
    }

    mutating func addCustom(_ custom: CustomValues, prefix: String, _ entity: CustomFieldEntity, _ db: any SQLDatabase) async throws {
        guard !custom.isEmpty else { return }
        let definitions = try await CustomValueChecks.definitions(entity, on: db)
        for (code, value) in custom {
            values["\(prefix).cf.\(code)"] = CustomFieldRules.text(value, for: definitions.first { $0.code == code })
        }
    }

    mutating func addLines(_ entity: PipelineEntity, _ id: Int64, amount: Int64?, currency: String, locale: AppLocale,
                           _ db: any SQLDatabase) async throws {
        let items = try await LineItemStore().items(entity, recordID: id, on: db)
        func money(_ minor: Int64) -> String { Formatting.money(minor, currency: currency, locale: locale) }
        lists["line_items"] = items.enumerated().map { index, item in
            let line = LineAmounts.of(item)
            return ["position": String(index + 1), "name": item.name, "quantity": "\(item.quantity)", "unit": item.unit ?? "",
                    "price": money(item.price), "discount": item.discountPercent.map { "\($0) %" } ?? "",
                    "tax": money(line.tax), "total": money(line.total)]
        }
        let totals = items.isEmpty ? nil : LineAmounts.of(items)
        let total = totals?.total ?? amount
        values["totals.amount"] = (totals?.net ?? amount).map(money)
        values["totals.tax"] = totals.map { money($0.tax) }
        values["totals.count"] = String(items.count)
        values["totals.total"] = total.map(money)
        values["totals.total_in_words"] = total.map {
            locale == .ru ? AmountInWords.russian(minor: $0, currency: currency) : AmountInWords.english(minor: $0, currency: currency)
        }
    }

    mutating func addVisit(_ visit: Visit, locale: AppLocale, zone: String, _ db: any SQLDatabase) async throws {
        let kind = try await VisitStore().kind(id: visit.kindID, on: db)
        let technician = try await UserStore().find(id: visit.technicianID, on: db)
        values["visit.kind"] = kind?.name
        values["visit.date"] = Formatting.date(Self.day(visit.start, zone), locale: locale)
        values["visit.time"] = Formatting.clock(visit.start, timeZone: zone)
        values["visit.address"] = visit.address
        values["visit.technician_name"] = technician?.displayName
        values["visit.technician_phone"] = technician?.phone
    }

    static func day(_ date: Date, _ zone: String) -> CalendarDate {
        let t = Formatting.local(date, zone)
        return CalendarDate(year: t.year, month: t.month, day: t.day)!
    }
}
