import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/admin/users`: the list, the new-user form, the edit form, disable/enable, password reset.
struct UserPages {
    let pages: PageRenderer
    let users: UserService
    let departments: DepartmentService
    let roles: RoleService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/users") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            let query = QueryReader(request: request)
            let filter = UserQuery(
                search: try query.string("q"), departmentID: try query.int64("department_id"),
                roleID: try query.int64("role_id"), isActive: try query.bool("is_active"),
                workingStatus: try query.oneOf("working_status", WorkingStatus.self), sort: .lastName)
            let page = try await users.list(filter, page: try query.page(), by: principal)
            let allDepartments = try await departments.all(by: principal)
            let allRoles = try await roles.list(page: PageRequest(limit: 500), by: principal).items
            let departmentNames = Dictionary(uniqueKeysWithValues: allDepartments.map { ($0.id, $0.name) })
            let roleNames = Dictionary(uniqueKeysWithValues: allRoles.map { ($0.id, $0.name) })
            var model = try await pages.model(request, context, titleKey: "title_users", nav: "users")
            model["users"] = page.items.map { user -> [String: Any] in
                [
                    "id": user.id, "href": "/admin/users/\(user.id)", "display_name": user.displayName,
                    "initials": user.initials, "email": user.email, "position": user.position ?? "",
                    "department_name": user.departmentID.flatMap { departmentNames[$0] } ?? "",
                    "role_name": roleNames[user.roleID] ?? "",
                    "status_label": pages.text("status_\(user.workingStatus.rawValue)", locale),
                    "status_class": user.workingStatus.rawValue, "is_active": user.isActive,
                    "last_login": Formatting.dateTime(user.lastLoginAt, locale: locale, timeZone: principal.user.timeZone)
                        ?? pages.text("never", locale),
                ]
            }
            model["empty"] = page.items.isEmpty
            model["filters"] = ["q": filter.search ?? ""]
            model["departments"] = DepartmentOptions.make(allDepartments, selected: filter.departmentID)
            model["roles"] = allRoles.map { PageModel.option(String($0.id), $0.name, selected: $0.id == filter.roleID) }
            model["statuses"] = WorkingStatus.allCases.map {
                PageModel.option($0.rawValue, pages.text("status_\($0.rawValue)", locale), selected: $0 == filter.workingStatus)
            }
            let active = filter.isActive.map(String.init) ?? ""
            model["active_options"] = [("", "filter_active_any"), ("true", "filter_active_true"), ("false", "filter_active_false")].map {
                PageModel.option($0.0, pages.text($0.1, locale), selected: $0.0 == active)
            }
            if let cursor = page.nextCursor { model["next_url"] = PageModel.nextPage(request, cursor: cursor) }
            model["can_create"] = principal.may(.create, .user)
            return pages.render("users", model, request: request)
        }
        group.get("admin/users/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.create, .user) else { throw RapportError.forbidden }
            return try await form(request, context, user: nil, values: [:], errors: [:])
        }
        group.post("admin/users") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let user = try await users.create(input(form, creating: true), by: principal)
                return pages.redirect(to: "/admin/users/\(user.id)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await self.form(request, context, user: nil, values: form.values,
                                           errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.get("admin/users/{id}") { request, context in
            let user = try await users.get(try context.id(entity: "user"), by: try context.requirePrincipal())
            return try await form(request, context, user: user, values: [:], errors: [:])
        }
        group.post("admin/users/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "user")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await users.update(id, input(form, creating: false), expectedVersion: form.id("version"),
                                           by: principal)
                return pages.redirect(to: "/admin/users/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                let user = try await users.get(id, by: principal)
                return try await self.form(request, context, user: user, values: form.values,
                                           errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("admin/users/{id}/status") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "user")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let enable = form["enable"] == "true"
            _ = try await users.update(id, UserInput(isActive: enable), expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/admin/users/\(id)", flash: enable ? "flash_user_enabled" : "flash_user_disabled")
        }
        group.post("admin/users/{id}/password") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "user")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                try await users.setPassword(id, form["password"] ?? "", by: principal)
                return pages.redirect(to: "/admin/users/\(id)", flash: "flash_password_reset")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                let user = try await users.get(id, by: principal)
                var errors = pages.errors(error, pages.locale(request, context))
                errors["new_password"] = errors["password"]
                return try await self.form(request, context, user: user, values: [:], errors: errors)
            }
        }
    }

    func input(_ form: PageForm, creating: Bool) -> UserInput {
        UserInput(
            email: form["email"], password: creating ? form["password"] : nil, firstName: form["first_name"],
            lastName: form["last_name"], middleName: form["middle_name"], phone: form["phone"], position: form["position"],
            departmentID: form.id("department_id"), roleID: form.id("role_id").flatMap { $0 == 0 ? nil : $0 },
            timeZone: form.text("time_zone"), locale: form.text("locale"), workingStatus: form.text("working_status"),
            workingHours: form["working_hours"], skills: form.list("skills"), regions: form.list("regions"))
    }

    func form(_ request: Request, _ context: RapportRequestContext, user: User?, values: [String: String],
              errors: [String: String]) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: user == nil ? "title_new_user" : "title_users",
                                          nav: "users")
        if let user { model["title"] = user.displayName }
        var shown: [String: Any] = [
            "time_zone": principal.user.timeZone, "is_active": true,
        ]
        if let user {
            shown = [
                "id": user.id, "version": user.version, "email": user.email, "first_name": user.firstName,
                "last_name": user.lastName, "middle_name": user.middleName ?? "", "phone": user.phone ?? "",
                "position": user.position ?? "", "time_zone": user.timeZone, "working_hours": user.workingHours ?? "",
                "skills": user.skills.joined(separator: ", "), "regions": user.regions.joined(separator: ", "),
                "is_active": user.isActive, "display_name": user.displayName,
            ]
        }
        for (key, value) in values where key != "password" && key != "_csrf" { shown[key] = value }
        model["user"] = shown
        model["is_new"] = user == nil
        model["form_action"] = user.map { "/admin/users/\($0.id)" } ?? "/admin/users"
        model["errors"] = errors
        let departmentID = values["department_id"].flatMap { Int64($0) } ?? user?.departmentID
        model["departments"] = DepartmentOptions.make(try await departments.all(by: principal), selected: departmentID)
        let roleID = values["role_id"].flatMap { Int64($0) } ?? user?.roleID
        model["roles"] = try await roles.list(page: PageRequest(limit: 500), by: principal).items.map {
            PageModel.option(String($0.id), $0.name, selected: $0.id == roleID)
        }
        let chosenLocale = values["locale"] ?? user?.locale.rawValue ?? principal.user.locale.rawValue
        model["locales"] = AppLocale.allCases.map {
            PageModel.option($0.rawValue, pages.text("locale_\($0.rawValue)", locale), selected: $0.rawValue == chosenLocale)
        }
        let status = values["working_status"] ?? user?.workingStatus.rawValue ?? WorkingStatus.available.rawValue
        model["statuses"] = WorkingStatus.allCases.map {
            PageModel.option($0.rawValue, pages.text("status_\($0.rawValue)", locale), selected: $0.rawValue == status)
        }
        model["can_edit"] = user == nil ? principal.may(.create, .user) : principal.may(.update, .user)
        if let user {
            model["status_action"] = "/admin/users/\(user.id)/status"
            model["status_enable"] = !user.isActive
            model["status_button"] = pages.text(user.isActive ? "user_disable" : "user_enable", locale)
            model["password_action"] = "/admin/users/\(user.id)/password"
        }
        return pages.render("user_form", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}

/// Department choices for a select, in tree order, indented by depth.
enum DepartmentOptions {
    static func make(_ departments: [Department], selected: Int64?, excluding: Set<Int64> = []) -> [[String: Any]] {
        ordered(departments).filter { !excluding.contains($0.department.id) }.map { item in
            let label = String(repeating: "— ", count: item.depth) + item.department.name
            return PageModel.option(String(item.department.id), label, selected: item.department.id == selected)
        }
    }

    /// Depth-first order: each department followed by its sub-departments, siblings by name.
    static func ordered(_ departments: [Department]) -> [(department: Department, depth: Int)] {
        let children = Dictionary(grouping: departments, by: \.parentID)
        let known = Set(departments.map(\.id))
        var out: [(Department, Int)] = []
        var seen = Set<Int64>()
        func walk(_ parent: Int64?, _ depth: Int) {
            for child in (children[parent] ?? []).sorted(by: { $0.name < $1.name }) where seen.insert(child.id).inserted {
                out.append((child, depth))
                walk(child.id, depth + 1)
            }
        }
        walk(nil, 0)
        // Departments whose parent is missing still show, at the top level.
        for orphan in departments where !seen.contains(orphan.id) && !(orphan.parentID.map(known.contains) ?? false) {
            out.append((orphan, 0))
        }
        return out
    }
}
