import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/roles`: the list and the permission matrix as an editable grid.
struct RolePages {
    let pages: PageRenderer
    let roles: RoleService
    let users: UserService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/roles") { request, context in
            let principal = try context.requirePrincipal()
            let all = try await roles.list(page: .init(limit: 500), by: principal).items
            var model = try await pages.model(request, context, titleKey: "title_roles", nav: "roles")
            model["roles"] = try await all.asyncMap { role -> [String: Any] in
                let holders = try await roles.holderCount(role.id, by: principal)
                return ["id": role.id, "href": "/admin/roles/\(role.id)", "name": role.name,
                        "description": role.description ?? "", "user_count": holders, "is_builtin": role.key != nil]
            }
            model["can_create"] = principal.may(.create, .role)
            return pages.render("roles", model, request: request)
        }
        group.get("admin/roles/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .role) else { throw RapportError.forbidden }
            return try await form(request, context, role: nil, values: [:], errors: [:])
        }
        group.post("admin/roles") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let role = try await roles.create(input(form), by: principal)
                return pages.redirect(to: "/admin/roles/\(role.id)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await self.form(request, context, role: nil, values: form.values,
                                           errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.get("admin/roles/{id}") { request, context in
            let role = try await roles.get(try context.id(entity: "role"), by: try context.requirePrincipal())
            return try await form(request, context, role: role, values: [:], errors: [:])
        }
        group.post("admin/roles/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "role")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await roles.update(id, input(form), expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/roles/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                let role = try await roles.get(id, by: principal)
                return try await self.form(request, context, role: role, values: form.values,
                                           errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("admin/roles/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "role")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await roles.delete(id, expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/admin/roles", flash: "flash_deleted")
        }
    }

    /// The grid's cells are named `perm_ENTITY_ACTION`.
    static func cellName(_ entity: PermissionEntity, _ action: PermissionAction) -> String {
        "perm_\(entity.rawValue)_\(action.rawValue)"
    }

    func input(_ form: PageForm) -> RoleService.Input {
        var permissions: [String: [String: String]] = [:]
        for entity in PermissionEntity.allCases {
            for action in PermissionAction.allCases {
                if let scope = form[Self.cellName(entity, action)] {
                    permissions[entity.rawValue, default: [:]][action.rawValue] = scope
                }
            }
        }
        return .init(name: form["name"], description: form["description"] ?? "", permissions: permissions)
    }

    func form(_ request: Request, _ context: RapportRequestContext, role: Role?, values: [String: String],
              errors: [String: String]) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: role == nil ? "title_new_role" : "title_roles",
                                          nav: "roles")
        if let role { model["title"] = role.name }
        let locked = role?.key == BuiltInRole.administrator.rawValue
        model["role"] = [
            "id": role?.id ?? 0, "name": values["name"] ?? role?.name ?? "",
            "description": values["description"] ?? role?.description ?? "", "version": role?.version ?? 0,
            "is_builtin": role?.key != nil, "locked": locked,
        ] as [String: Any]
        model["is_new"] = role == nil
        model["form_action"] = role.map { "/admin/roles/\($0.id)" } ?? "/admin/roles"
        model["actions"] = PermissionAction.allCases.map {
            ["key": $0.rawValue, "label": pages.text("action_\($0.rawValue)", locale)]
        }
        let matrix = role?.permissions ?? PermissionMatrix()
        model["entities"] = PermissionEntity.allCases.map { entity -> [String: Any] in
            [
                "key": entity.rawValue, "label": pages.text("entity_\(entity.rawValue)", locale),
                "cells": PermissionAction.allCases.map { action -> [String: Any] in
                    let name = Self.cellName(entity, action)
                    let current = values[name] ?? matrix.scope(entity, action).rawValue
                    return [
                        "name": name, "action_label": pages.text("action_\(action.rawValue)", locale),
                        "entity_label": pages.text("entity_\(entity.rawValue)", locale),
                        "options": PermissionScope.allCases.map {
                            PageModel.option($0.rawValue, pages.text("scope_\($0.rawValue)", locale),
                                             selected: $0.rawValue == current)
                        },
                    ]
                },
            ]
        }
        model["scopes_legend"] = PermissionScope.allCases.map {
            ["label": pages.text("scope_\($0.rawValue)", locale), "help": pages.text("scope_\($0.rawValue)_help", locale)]
        }
        model["errors"] = errors
        model["can_edit"] = (role == nil ? principal.may(.create, .role) : principal.may(.update, .role))
        if let role, role.key == nil, principal.may(.delete, .role) {
            model["delete_action"] = "/admin/roles/\(role.id)/delete"
        }
        return pages.render("role_form", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
