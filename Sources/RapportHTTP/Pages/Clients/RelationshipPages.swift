import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// The "Relationships" card of company and contact pages: its model, and adding or removing a tie.
struct RelationshipPages {
    let pages: PageRenderer
    let relationships: RelationshipService
    let companies: CompanyService
    let contacts: ContactService

    static func path(_ entity: PermissionEntity) -> String { entity == .company ? "companies" : "contacts" }

    func register(on group: RouterGroup<RapportRequestContext>) {
        for entity in [PermissionEntity.company, .contact] {
            let base = "clients/\(Self.path(entity))"
            group.post("\(base)/{id}/relationships") { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.id(entity: entity.rawValue)
                let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                do {
                    _ = try await relationships.add(entity, id, to: PageForm.pickedID(form["to_id"], form["to_id_query"]) ?? 0,
                                                    kind: form["kind"],
                                                    note: form["note"], by: principal)
                    return pages.redirect(to: "/\(base)/\(id)", flash: "flash_relationship_added")
                } catch RapportError.validation {
                    return pages.redirect(to: "/\(base)/\(id)", flash: "flash_relationship_refused")
                } catch RapportError.conflict {
                    return pages.redirect(to: "/\(base)/\(id)", flash: "flash_relationship_exists_refused")
                }
            }
            group.post("\(base)/{id}/relationships/{relationship}/delete") { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.id(entity: entity.rawValue)
                _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                try await relationships.remove(entity, id, relationship: try context.id("relationship", entity: "relationship"),
                                               by: principal)
                return pages.redirect(to: "/\(base)/\(id)", flash: "flash_relationship_removed")
            }
        }
    }

    /// The card's keys: the ties, and (for those who may change the record) the add form and
    /// the "merge with" picker (for those who may also delete).
    func model(_ record: ReadableRecord, canEdit: Bool, by principal: Principal, locale: AppLocale)
        async throws -> [String: Any]
    {
        let (entity, id) = (record.entity, record.id)
        let base = "/clients/\(Self.path(entity))"
        let ties = try await relationships.list(record, by: principal)
        var model: [String: Any] = [
            "relationships": ties.map { tie -> [String: Any] in
                var row: [String: Any] = [
                    "href": "\(base)/\(tie.otherID)", "name": tie.otherName,
                    "kind_label": pages.text("relationship_kind_\(tie.relationship.kind)", locale),
                    "note": tie.relationship.note ?? "",
                ]
                if canEdit { row["remove_action"] = "\(base)/\(id)/relationships/\(tie.relationship.id)/delete" }
                return row
            },
        ]
        guard canEdit else { return model }
        model["relationship_action"] = "\(base)/\(id)/relationships"
        if principal.may(.delete, entity) { model["merge_action"] = "\(base)/\(id)/merge" }
        model["picker_entity"] = entity.rawValue
        model["relationship_kinds"] = Relationship.kinds(for: entity.rawValue).map {
            PageModel.option($0, pages.text("relationship_kind_\($0)", locale), selected: false)
        }
        return model
    }
}
