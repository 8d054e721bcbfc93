import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/departments`: the tree, with create, rename/move and delete.
struct DepartmentPages {
    let pages: PageRenderer
    let departments: DepartmentService
    let users: UserService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/departments") { request, context in
            try await page(request, context, values: [:], errors: [:])
        }
        group.post("admin/departments") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await departments.create(.init(name: form["name"], parentID: form.id("parent_id")), by: principal)
                return pages.redirect(to: "/admin/departments", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, values: form.values,
                                      errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("admin/departments/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "department")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await departments.update(id, .init(name: form["name"], parentID: form.id("parent_id")),
                                                 expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/departments", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, values: [:],
                                      errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("admin/departments/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "department")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await departments.delete(id, expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/admin/departments", flash: "flash_deleted")
        }
    }

    func page(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let all = try await departments.all(by: principal)
        let members = try await users.list(.init(), page: .init(limit: 500), by: principal).items
        let counts = Dictionary(grouping: members.compactMap(\.departmentID), by: { $0 }).mapValues(\.count)
        let names = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0.displayName) })
        var model = try await pages.model(request, context, titleKey: "title_departments", nav: "departments")
        let ordered = DepartmentOptions.ordered(all)
        model["items"] = ordered.map { item -> [String: Any] in
            let d = item.department
            let subtree = DepartmentTree(all.map { ($0.id, $0.parentID) }).subtree(of: d.id)
            return [
                "id": d.id, "name": d.name, "depth": item.depth, "indent": String(item.depth * 24),
                "head_name": d.headUserID.flatMap { names[$0] } ?? "", "member_count": counts[d.id] ?? 0,
                "version": d.version, "update_action": "/admin/departments/\(d.id)",
                "delete_action": "/admin/departments/\(d.id)/delete",
                "parent_options": DepartmentOptions.make(all, selected: d.parentID, excluding: subtree),
            ]
        }
        model["parents"] = DepartmentOptions.make(all, selected: values["parent_id"].flatMap { Int64($0) })
        model["values"] = ["name": values["name"] ?? ""]
        model["errors"] = errors
        model["can_edit"] = principal.may(.update, .department)
        model["empty"] = all.isEmpty
        return pages.render("departments", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
