import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// Merging from the cards: pick the duplicate, compare the two side by side, choose per field
/// which value stays, merge.
struct MergePages {
    let pages: PageRenderer
    let merge: MergeService
    let companies: CompanyService
    let contacts: ContactService
    let support: ClientPageSupport

    func register(on group: RouterGroup<RapportRequestContext>) {
        for entity in [PermissionEntity.company, .contact] {
            let base = "clients/\(RelationshipPages.path(entity))"
            group.get("\(base)/{id}/merge") { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.id(entity: entity.rawValue)
                let query = request.uri.queryParameters
                guard let other = PageForm.pickedID(query.get("with"), query.get("with_query")) else {
                    return pages.redirect(to: "/\(base)/\(id)")
                }
                return try await compare(request, context, entity, id, other, principal)
            }
            group.post("\(base)/{id}/merge") { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.id(entity: entity.rawValue)
                let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                let duplicate = form.id("duplicate_id") ?? 0
                let take = form.values.compactMap { key, value in
                    key.hasPrefix("take_") && value == "duplicate" ? String(key.dropFirst("take_".count)) : nil
                }.sorted()
                if entity == .company {
                    _ = try await merge.mergeCompanies(id, duplicate: duplicate, take: take,
                                                       expectedVersion: form.id("version"), by: principal)
                } else {
                    _ = try await merge.mergeContacts(id, duplicate: duplicate, take: take,
                                                      expectedVersion: form.id("version"), by: principal)
                }
                return pages.redirect(to: "/\(base)/\(id)", flash: "flash_merged")
            }
        }
    }

    /// The comparison page: every field where the two differ, with a choice per field.
    func compare(_ request: Request, _ context: RapportRequestContext, _ entity: PermissionEntity, _ id: Int64,
                 _ otherID: Int64, _ principal: Principal) async throws -> Response {
        let locale = pages.locale(request, context)
        let base = "/clients/\(RelationshipPages.path(entity))"
        let mine: [(String, String?)], theirs: [(String, String?)], names: (String, String), version: Int64
        let allowed: Set<String>
        if entity == .company {
            let a = try await companies.get(id, by: principal), b = try await companies.get(otherID, by: principal)
            mine = ClientChangesView.fields(a); theirs = ClientChangesView.fields(b)
            names = (a.shortName, b.shortName); version = a.version; allowed = MergeService.companyFields
        } else {
            let a = try await contacts.get(id, by: principal).contact, b = try await contacts.get(otherID, by: principal).contact
            mine = ClientChangesView.fields(a); theirs = ClientChangesView.fields(b)
            names = (a.displayName, b.displayName); version = a.version; allowed = MergeService.contactFields
        }
        let other = Dictionary(uniqueKeysWithValues: theirs.map { ($0.0, $0.1) })
        let people = try await support.owners(selected: nil, by: principal).names
        let shown = { (field: String, value: String?) -> String in
            value.map { pages.valueLabel(field, $0, names: people, locale) } ?? pages.text("dash", locale)
        }
        var model = try await pages.model(request, context, titleKey: "title_merge",
                                          nav: entity == .company ? "companies" : "contacts")
        model["rows"] = mine.compactMap { field, value -> [String: Any]? in
            let theirValue = other[field] ?? nil
            guard allowed.contains(field), value != theirValue, theirValue != nil else { return nil }
            return ["field": field, "label": pages.fieldLabel(field, locale), "mine": shown(field, value),
                    "theirs": shown(field, theirValue), "name": "take_\(field)"]
        }
        model["survivor_name"] = names.0
        model["duplicate_name"] = names.1
        model["duplicate_id"] = otherID
        model["version"] = version
        model["form_action"] = "\(base)/\(id)/merge"
        model["back_href"] = "\(base)/\(id)"
        return pages.render("merge", model, request: request)
    }
}

/// The fields the comparison shows, in the same words the history uses.
enum ClientChangesView {
    static func fields(_ c: Company) -> [(String, String?)] {
        [("short_name", c.shortName), ("full_name", c.fullName), ("kind", c.kind.rawValue), ("status", c.status.rawValue),
         ("inn", c.inn), ("kpp", c.kpp), ("foreign_tax_id", c.foreignTaxID), ("region", c.region), ("time_zone", c.timeZone),
         ("reliability", c.reliability?.rawValue), ("client_class", c.clientClass), ("price_type", c.priceType),
         ("delivery_terms", c.deliveryTerms), ("lead_time_days", c.leadTimeDays.map(String.init)),
         ("advertising_source", c.advertisingSource), ("birthday", c.birthday?.description),
         ("work_started_on", c.workStartedOn?.description), ("owner_id", c.ownerID.map(String.init))]
    }

    static func fields(_ c: Contact) -> [(String, String?)] {
        [("last_name", c.lastName), ("first_name", c.firstName), ("middle_name", c.middleName), ("position", c.position),
         ("birthday", c.birthday?.description), ("time_zone", c.timeZone), ("region", c.region),
         ("owner_id", c.ownerID.map(String.init))]
    }
}
