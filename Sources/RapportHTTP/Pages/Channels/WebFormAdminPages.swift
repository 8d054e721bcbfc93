import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/forms`: the web forms — which lead fields each asks (and how it labels them), the
/// thank-you, the source — with the snippet for the company's site and the hosted page.
struct WebFormAdminPages {
    let pages: PageRenderer
    let forms: WebFormService
    let fields: CustomFieldService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/forms") { request, context in
            try await list(request, context, values: [:], errors: [:])
        }
        group.post("admin/forms") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let made = try await forms.create(try await input(form, principal: principal), by: principal)
                return pages.redirect(to: "/admin/forms/\(made.id)", flash: "flash_created")
            } catch let error as RapportError {
                return try await list(request, context, values: form.values, errors: try errors(error, request, context))
            }
        }
        group.get("admin/forms/{id}") { request, context in
            try await edit(request, context, id: try context.id(entity: "web_form"), values: nil, errors: [:])
        }
        group.post("admin/forms/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "web_form")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                var changes = try await input(form, principal: principal)
                changes.active = form["active"] != nil
                _ = try await forms.update(id, changes, expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/forms/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                return try await edit(request, context, id: id, values: form.values, errors: try errors(error, request, context))
            }
        }
    }

    /// The fields a form may ask, with their names: the lead's own and the active custom ones.
    func candidates(_ principal: Principal, _ locale: AppLocale) async throws -> [(code: String, name: String)] {
        let custom = try await fields.list(entity: .lead, by: principal).map { ("cf." + $0.code, $0.label) }
        return WebForm.leadFields.map { ($0, PipelineFieldLabels.label($0, locale)) } + custom
    }

    func input(_ form: PageForm, principal: Principal) async throws -> WebFormInput {
        let locale = principal.user.locale
        var asked: [WebFormInput.FieldInput] = []
        for (code, name) in try await candidates(principal, locale) where form["ask_\(code)"] != nil {
            asked.append(.init(code: code, label: form.text("label_\(code)") ?? name, required: form["required_\(code)"] != nil))
        }
        return WebFormInput(name: form["name"], fields: asked, thankYou: form["thank_you"], source: form.text("source") ?? "site")
    }

    func errors(_ error: RapportError, _ request: Request, _ context: RapportRequestContext) throws -> [String: String] {
        let locale = pages.locale(request, context)
        switch error {
        case .validation(let list):
            var out: [String: String] = [:]
            for item in list {
                let field = item.field.hasPrefix("fields") ? "fields" : item.field
                out[field] = out[field].map { $0 + " " + pages.message(item, locale) } ?? pages.message(item, locale)
            }
            return out
        case .stale: return ["general": pages.text("error_stale", locale)]
        default: throw error
        }
    }

    /// The editor's model: the form's (or the typed) values, a row per field it may ask.
    func editor(_ form: WebForm?, values: [String: String]?, principal: Principal, locale: AppLocale) async throws -> [String: Any] {
        let rows = try await candidates(principal, locale).map { code, name -> [String: Any] in
            let existing = form?.fields.first { $0.code == code }
            let asked: Bool, required: Bool, label: String
            if let values {
                asked = values["ask_\(code)"] != nil
                required = values["required_\(code)"] != nil
                label = values["label_\(code)"] ?? name
            } else if form != nil {
                asked = existing != nil
                required = existing?.required ?? false
                label = existing?.label ?? name
            } else {
                asked = ["full_name", "phone", "comments"].contains(code)
                required = code == "phone"
                label = code == "comments" ? pages.text("web_form_default_question", locale) : name
            }
            return ["code": code, "name": name, "asked": asked, "required": required, "label": label]
        }
        return [
            "editor": ["name": values?["name"] ?? form?.name ?? "", "source": values?["source"] ?? form?.source ?? "site",
                       "thank_you": values?["thank_you"] ?? form?.thankYou ?? pages.text("web_form_default_thanks", locale),
                       "active": form?.active ?? true],
            "editor_fields": rows,
        ]
    }

    func list(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let all = try await forms.list(by: principal)
        var model = try await pages.model(request, context, titleKey: "web_forms_heading", nav: "forms")
        model["forms"] = all.map { form -> [String: Any] in
            ["id": form.id, "name": form.name, "slug": form.slug, "source": form.source, "active": form.active,
             "fields": form.fields.map(\.label).joined(separator: ", ")]
        }
        model.merge(try await editor(nil, values: values.isEmpty ? nil : values, principal: principal, locale: locale)) { $1 }
        model["editor_heading"] = pages.text("web_form_new", locale)
        model["editor_action"] = "/admin/forms"
        model["errors"] = errors
        return pages.render("web_forms", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func edit(_ request: Request, _ context: RapportRequestContext, id: Int64, values: [String: String]?, errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let form = try await forms.get(id, by: principal)
        var model = try await pages.model(request, context, titleKey: "web_forms_heading", nav: "forms")
        model.merge(try await editor(form, values: values, principal: principal, locale: locale)) { $1 }
        model["editor_heading"] = pages.text("web_form_settings", locale)
        model["editor_action"] = "/admin/forms/\(id)"
        model["editor_version"] = form.version
        model["errors"] = errors
        let host = request.head.authority ?? "localhost"
        let origin = (pages.secureCookies ? "https://" : "http://") + host
        model["snippet"] = WebFormSnippet.html(form, origin: origin)
        model["page_url"] = "/f/\(form.slug)"
        model["page_full_url"] = origin + "/f/\(form.slug)"
        return pages.render("web_form", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
