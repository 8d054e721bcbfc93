import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/templates`: the message templates — a list, a new one, and each one's editor with
/// its versions and a preview filled for a record (its HTML shown in a sandboxed frame).
struct TemplatePages {
    let pages: PageRenderer
    let templates: TemplateService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/templates") { request, context in
            try await list(request, context, values: [:], errors: [:])
        }
        group.post("admin/templates") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let made = try await templates.create(input(form, creating: true), by: principal)
                return pages.redirect(to: "/admin/templates/\(made.id)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await list(request, context, values: form.values, errors: errors(error, pages.locale(request, context)))
            }
        }
        group.get("admin/templates/{id}") { request, context in
            try await edit(request, context, id: try context.id(entity: "template"), values: nil, errors: [:])
        }
        group.post("admin/templates/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "template")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                var changes = input(form, creating: false)
                changes.active = form["active"] != nil
                _ = try await templates.update(id, changes, expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/templates/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                let locale = pages.locale(request, context)
                let errors: [String: String] = switch error {
                case .validation: errors(error, locale)
                case .stale: ["general": pages.text("error_stale", locale)]
                default: throw error
                }
                return try await edit(request, context, id: id, values: form.values, errors: errors)
            }
        }
    }

    /// Field errors in the viewer's language; a placeholder's says which and where (as the service wrote it).
    func errors(_ error: RapportError, _ locale: AppLocale) -> [String: String] {
        guard case .validation(let list) = error else { return [:] }
        var map: [String: String] = [:]
        for item in list where map[item.field] == nil {
            let localized = pages.message(item, locale)
            map[item.field] = ["unknown_field", "syntax"].contains(item.code) && localized != item.message
                ? "\(localized): \(item.message)" : localized
        }
        return map
    }

    func input(_ form: PageForm, creating: Bool) -> TemplateInput {
        TemplateInput(kind: creating ? form["kind"] : nil, code: form["code"], name: form["name"],
                      recordKind: creating ? form["record_kind"] : nil, locale: creating ? form["locale"] : nil,
                      subject: form["subject"] ?? "", html: form["html"] ?? "", text: form["text"] ?? "")
    }

    func list(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: "templates_heading", nav: "templates")
        model["templates"] = try await templates.list(by: principal).map { t -> [String: Any] in
            ["id": t.id, "name": t.name, "code": t.code, "kind": pages.text("template_kind_\(t.kind.rawValue)", locale),
             "record_kind": pages.text("template_record_\(t.subject.rawValue)", locale), "locale": t.locale.rawValue.uppercased(),
             "version": t.current.number, "active": t.active]
        }
        model["kinds"] = MessageTemplate.Kind.allCases.map {
            PageModel.option($0.rawValue, pages.text("template_kind_\($0.rawValue)", locale), selected: values["kind"] == $0.rawValue)
        }
        model["record_kinds"] = MessageTemplate.Subject.allCases.map {
            PageModel.option($0.rawValue, pages.text("template_record_\($0.rawValue)", locale), selected: values["record_kind"] == $0.rawValue)
        }
        model["locales"] = AppLocale.allCases.map {
            PageModel.option($0.rawValue, $0.rawValue.uppercased(), selected: (values["locale"] ?? locale.rawValue) == $0.rawValue)
        }
        model["values"] = values
        model["errors"] = errors
        model["can_edit"] = principal.may(.update, .settings)
        return pages.render("templates", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func edit(_ request: Request, _ context: RapportRequestContext, id: Int64, values: [String: String]?, errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let (template, versions) = try await templates.get(id, by: principal)
        var model = try await pages.model(request, context, titleKey: "templates_heading", nav: "templates")
        model["title"] = template.name
        model["template"] = [
            "id": template.id, "version": template.version, "name": values?["name"] ?? template.name,
            "code": values?["code"] ?? template.code, "subject": values?["subject"] ?? template.current.subject,
            "html": values?["html"] ?? template.current.html, "text": values?["text"] ?? template.current.text,
            "active": values.map { $0["active"] != nil } ?? template.active,
            "kind": pages.text("template_kind_\(template.kind.rawValue)", locale),
            "record_kind": pages.text("template_record_\(template.subject.rawValue)", locale),
            "locale": template.locale.rawValue.uppercased(), "number": template.current.number,
            "is_email": template.kind == .email, "is_sms": template.kind == .sms, "has_html": template.kind != .sms,
        ] as [String: Any]
        model["placeholders"] = TemplateCatalogue.fields(for: template.subject).sorted().map { "{{\($0)}}" }
            + TemplateCatalogue.sections(for: template.subject).keys.sorted().map { "{{#\($0)}}…{{/\($0)}}" }
        model["versions"] = versions.map { v -> [String: Any] in
            ["number": v.number, "when": Formatting.dateTime(v.createdAt, locale: locale, timeZone: principal.user.timeZone) ?? ""]
        }
        // A preview for a record named in the address (?record_id=).
        let query = QueryReader(request: request)
        if let recordID = try query.int64("record_id") {
            model["preview_record_id"] = recordID
            do {
                let shown = try await templates.preview(id, for: .init(entity: template.subject.rawValue, id: recordID), by: principal)
                model["preview"] = ["subject": shown.subject, "text": shown.text, "html": shown.html, "has_html": !shown.html.isEmpty]
            } catch RapportError.notFound {
                model["preview_missing"] = true
            }
        }
        model["errors"] = errors
        model["can_edit"] = principal.may(.update, .settings)
        return pages.render("template", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
