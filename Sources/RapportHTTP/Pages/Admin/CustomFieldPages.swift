import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/custom-fields`: the extra fields of companies and contacts, their definition form,
/// archiving and restoring.
struct CustomFieldPages {
    let pages: PageRenderer
    let fields: CustomFieldService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/custom-fields") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            let entity = try QueryReader(request: request).oneOf("entity", CustomFieldEntity.self) ?? .company
            let all = try await fields.list(entity: entity, includeArchived: true, by: principal)
            var model = try await pages.model(request, context, titleKey: "title_custom_fields", nav: "custom_fields")
            model["tabs"] = CustomFieldEntity.allCases.map {
                ["href": "/admin/custom-fields?entity=\($0.rawValue)", "label": pages.text("custom_entity_\($0.rawValue)", locale),
                 "current": $0 == entity]
            }
            model["fields"] = all.map { f -> [String: Any] in
                [
                    "href": "/admin/custom-fields/\(f.id)", "label": f.label, "code": f.code,
                    "type_label": pages.text("custom_type_\(f.type.rawValue)", locale), "required": f.required,
                    "filterable": f.filterable, "sortable": f.sortable, "show_in_list": f.showInList, "archived": f.archived,
                ]
            }
            model["empty"] = all.isEmpty
            model["new_href"] = "/admin/custom-fields/new?entity=\(entity.rawValue)"
            model["can_edit"] = principal.may(.update, .settings)
            return pages.render("custom_fields", model, request: request)
        }
        group.get("admin/custom-fields/new") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.may(.update, .settings) else { throw RapportError.forbidden }
            let entity = try QueryReader(request: request).oneOf("entity", CustomFieldEntity.self) ?? .company
            return try await form(request, context, field: nil, values: ["entity": entity.rawValue], errors: [:])
        }
        group.post("admin/custom-fields") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let field = try await fields.create(input(form, existing: nil), by: principal)
                return pages.redirect(to: "/admin/custom-fields?entity=\(field.entity.rawValue)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await self.form(request, context, field: nil, values: form.values,
                                           errors: formErrors(error, request, context))
            }
        }
        group.get("admin/custom-fields/{id}") { request, context in
            let field = try await fields.get(try context.id(entity: "custom_field"), by: try context.requirePrincipal())
            return try await form(request, context, field: field, values: [:], errors: [:])
        }
        group.post("admin/custom-fields/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "custom_field")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let existing = try await fields.get(id, by: principal)
            do {
                _ = try await fields.update(id, input(form, existing: existing), expectedVersion: form.id("version"),
                                            by: principal)
                return pages.redirect(to: "/admin/custom-fields?entity=\(existing.entity.rawValue)", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await self.form(request, context, field: existing, values: form.values,
                                           errors: formErrors(error, request, context))
            }
        }
        group.post("admin/custom-fields/{id}/archive") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let field = try await fields.archive(try context.id(entity: "custom_field"), archived: form["archived"] != "false",
                                                 expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/admin/custom-fields?entity=\(field.entity.rawValue)",
                                  flash: field.archived ? "flash_archived" : "flash_restored")
        }
    }

    func formErrors(_ error: RapportError, _ request: Request, _ context: RapportRequestContext) -> [String: String] {
        var errors: [String: String] = [:]
        for (field, message) in pages.errors(error, pages.locale(request, context)) {
            let name = field.hasPrefix("options") ? "options" : field
            if errors[name] == nil { errors[name] = message }
        }
        return errors
    }

    /// The options text area holds one label per line. A line equal to an existing label keeps
    /// that option; other lines take over the remaining existing options in order (a rename),
    /// then become new options.
    static func options(_ text: String, existing: [CustomFieldOption]) -> [CustomFieldInput.OptionInput] {
        let labels = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        var free = existing.filter { option in
            !labels.contains { $0.compare(option.label, options: .caseInsensitive) == .orderedSame }
        }
        return labels.map { label in
            if let same = existing.first(where: { $0.label.compare(label, options: .caseInsensitive) == .orderedSame }) {
                return .init(code: same.code, label: label)
            }
            if !free.isEmpty { return .init(code: free.removeFirst().code, label: label) }
            return .init(code: nil, label: label)
        }
    }

    func input(_ form: PageForm, existing: CustomFieldDefinition?) -> CustomFieldInput {
        let type = existing?.type ?? CustomFieldType(rawValue: form["type"] ?? "")
        return CustomFieldInput(
            entity: existing == nil ? form["entity"] : nil, code: existing == nil ? form["code"] : nil,
            label: form["label"], type: existing == nil ? form["type"] : nil,
            options: type?.hasOptions == true ? Self.options(form["options"] ?? "", existing: existing?.options ?? []) : nil,
            linkEntity: existing == nil && type == .record ? form["link_entity"] : nil,
            currency: type == .money ? form.text("currency") : nil,
            required: form["required"] == "true", filterable: form["filterable"] == "true",
            sortable: type?.canSort == true ? form["sortable"] == "true" : nil, showInList: form["show_in_list"] == "true",
            position: form.text("position").flatMap { Int($0) })
    }

    func form(_ request: Request, _ context: RapportRequestContext, field: CustomFieldDefinition?,
              values: [String: String], errors: [String: String]) async throws -> Response {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: field == nil ? "title_new_custom_field" : "title_custom_fields",
                                          nav: "custom_fields")
        if let field { model["title"] = field.label }
        let submitted = !values.isEmpty && values["_csrf"] != nil
        func flag(_ name: String, _ stored: Bool?) -> Bool { submitted ? values[name] == "true" : stored ?? false }
        let entity = values["entity"] ?? field?.entity.rawValue ?? CustomFieldEntity.company.rawValue
        let type = values["type"] ?? field?.type.rawValue ?? CustomFieldType.text.rawValue
        model["field"] = [
            "id": field?.id ?? 0, "version": field?.version ?? 0, "label": values["label"] ?? field?.label ?? "",
            "code": values["code"] ?? field?.code ?? "",
            "options": values["options"] ?? (field?.options.map(\.label).joined(separator: "\n") ?? ""),
            "currency": values["currency"] ?? field?.currency ?? "",
            "position": values["position"] ?? field.map { String($0.position) } ?? "",
            "required": flag("required", field?.required), "filterable": flag("filterable", field?.filterable),
            "sortable": flag("sortable", field?.sortable), "show_in_list": flag("show_in_list", field?.showInList),
            "archived": field?.archived ?? false,
            "entity_label": pages.text("custom_entity_\(entity)", locale),
            "type_label": pages.text("custom_type_\(type)", locale),
            "link_label": field?.linkEntity.map { pages.text("custom_entity_\($0.rawValue)", locale) } ?? "",
        ] as [String: Any]
        model["is_new"] = field == nil
        model["entities"] = CustomFieldEntity.allCases.map {
            PageModel.option($0.rawValue, pages.text("custom_entity_\($0.rawValue)", locale), selected: $0.rawValue == entity)
        }
        model["types"] = CustomFieldType.allCases.map {
            PageModel.option($0.rawValue, pages.text("custom_type_\($0.rawValue)", locale), selected: $0.rawValue == type)
        }
        let link = values["link_entity"] ?? field?.linkEntity?.rawValue ?? ""
        model["link_entities"] = CustomFieldEntity.clients.map {
            PageModel.option($0.rawValue, pages.text("custom_entity_\($0.rawValue)", locale), selected: $0.rawValue == link)
        }
        let currency = values["currency"] ?? field?.currency ?? ""
        model["currencies"] = [PageModel.option("", pages.text("custom_currency_default", locale), selected: currency.isEmpty)]
            + Currency.codes.sorted().map { PageModel.option($0, $0, selected: $0 == currency) }
        let current = CustomFieldType(rawValue: type)
        model["shows_options"] = field == nil || current?.hasOptions == true
        model["shows_link"] = field == nil || current == .record
        model["shows_currency"] = field == nil || current == .money
        model["form_action"] = field.map { "/admin/custom-fields/\($0.id)" } ?? "/admin/custom-fields"
        model["back_href"] = "/admin/custom-fields?entity=\(entity)"
        if let field { model["archive_action"] = "/admin/custom-fields/\(field.id)/archive" }
        model["errors"] = errors
        model["can_edit"] = principal.may(.update, .settings)
        return pages.render("custom_field_form", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
