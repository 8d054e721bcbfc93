import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// The client chosen on the desktop (`/?client=company:12`): its summary with call and
/// mail links, its people with their local time, its open tasks, and its interactions —
/// filtered by kind — with the quick note that brings the user back here.
struct DesktopClientPanel {
    let pages: PageRenderer
    let companies: CompanyService
    let contacts: ContactService
    let taskCard: RecordTasksCard
    let interactionCard: RecordInteractionsCard

    /// `company:12` or `contact:5`; anything else is no choice.
    static func choice(_ text: String?) -> WorkTask.Link? {
        guard let text, let colon = text.firstIndex(of: ":"), let id = Int64(text[text.index(after: colon)...]), id > 0
        else { return nil }
        let entity = String(text[..<colon])
        // Only clients have a panel; leads and deals open their own cards.
        return ["company", "contact"].contains(entity) ? WorkTask.Link(entity: entity, id: id) : nil
    }

    func model(_ choice: WorkTask.Link, kind: Interaction.Kind?, names: [Int64: String], by principal: Principal,
               locale: AppLocale) async throws -> [String: Any] {
        let zone = principal.user.timeZone
        var panel: [String: Any] = ["entity": choice.entity, "id": choice.id]
        var people: [[String: Any]] = []
        var name = ""
        func phones(_ channels: [ContactChannel]) -> [[String: Any]] {
            channels.filter { $0.kind == .phone }.map { ["value": $0.value, "tel": $0.normalized ?? $0.value] }
        }
        func localTime(_ timeZone: String?) -> String {
            timeZone.map { Formatting.clock(Date(), timeZone: $0) } ?? ""
        }
        if choice.entity == "company" {
            let company = try await companies.get(choice.id, by: principal)
            name = company.shortName
            panel["href"] = "/clients/companies/\(company.id)"
            panel["status_label"] = pages.text("client_status_\(company.status.rawValue)", locale)
            panel["owner"] = company.ownerID.flatMap { names[$0] } ?? ""
            panel["region"] = company.region ?? ""
            panel["local_time"] = localTime(company.timeZone)
            panel["phones"] = phones(company.channels)
            panel["emails"] = company.channels.filter { $0.kind == .email }.map(\.value)
            for person in try await contacts.people(ofCompany: company.id, by: principal) {
                people.append(["name": person.contact.displayName, "href": "/clients/contacts/\(person.contact.id)",
                               "role": person.role ?? person.contact.position ?? "",
                               "local_time": localTime(person.contact.timeZone ?? company.timeZone),
                               "phones": phones(person.contact.channels)])
            }
        } else {
            let card = try await contacts.get(choice.id, by: principal)
            let contact = card.contact
            name = contact.displayName
            panel["href"] = "/clients/contacts/\(contact.id)"
            panel["owner"] = contact.ownerID.flatMap { names[$0] } ?? ""
            panel["region"] = contact.region ?? ""
            panel["local_time"] = localTime(contact.timeZone)
            panel["phones"] = phones(contact.channels)
            panel["emails"] = contact.channels.filter { $0.kind == .email }.map(\.value)
            panel["position"] = contact.position ?? ""
        }
        panel["name"] = name
        panel["people"] = people
        panel["kinds"] = [["href": "/?client=\(choice.entity):\(choice.id)#client-panel", "label": pages.text("all_kinds", locale),
                           "current": kind == nil]]
            + Interaction.Kind.allCases.map { k in
                ["href": "/?client=\(choice.entity):\(choice.id)&kind=\(k.rawValue)#client-panel",
                 "label": pages.text("interaction_kind_\(k.rawValue)", locale), "current": k == kind] as [String: Any]
            }
        var model: [String: Any] = ["client_panel": panel, "my_zone": zone]
        model.merge(try await taskCard.model(choice.entity, choice.id, names: names, by: principal, locale: locale)) { $1 }
        model.merge(try await interactionCard.model(choice.entity, choice.id, name: name,
                                                    kind: kind, names: names, by: principal, locale: locale,
                                                    returnTo: "/?client=\(choice.entity):\(choice.id)#client-panel")) { $1 }
        return model
    }
}
