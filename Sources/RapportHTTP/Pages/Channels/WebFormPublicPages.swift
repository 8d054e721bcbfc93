import Foundation
import HTTPTypes
import Hummingbird
import RapportDomain
import RapportServices

/// `/f/{slug}`: a web form's public page — shown on its own or inside a site's iframe (the
/// snippet) — and its submission. No sign-in; in the company's language.
struct WebFormPublicPages {
    let pages: PageRenderer
    let forms: WebFormService
    let settings: SettingsService

    static let utmNames = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"]

    func register(on router: Router<RapportRequestContext>) {
        router.get("f/{slug}") { request, context in
            let form = try await forms.published(try context.parameters.require("slug"))
            let query = request.uri.queryParameters
            var values: [String: String] = [:]
            for name in Self.utmNames { if let value = query.get(name) { values[name] = String(value.prefix(300)) } }
            // The page the form is on: the embedding page (the snippet passes it), else the link's referrer.
            values["_referrer"] = query.get("ref").map { String($0.prefix(2000)) } ?? request.headers[.referer].map { String($0.prefix(2000)) } ?? ""
            return try await page(form, request, values: values, errors: [:], embedded: query.get("embed") == "1")
        }
        router.post("f/{slug}") { request, context in
            let slug = try context.parameters.require("slug")
            let form = try await forms.published(slug)
            let sent = try await PageForm.readPublic(request, context: context)
            let embedded = request.uri.queryParameters.get("embed") == "1"
            do {
                _ = try await forms.submit(slug, values: sent, from: context.remoteAddress)
                return try await page(form, request, values: [:], errors: [:], embedded: embedded, thanks: true)
            } catch RapportError.validation(let list) {
                let locale = try await settings.current().locale
                var errors: [String: String] = [:]
                for item in list where errors[item.field] == nil { errors[item.field] = pages.message(item, locale) }
                return try await page(form, request, values: sent, errors: errors, embedded: embedded, status: .unprocessableContent)
            } catch RapportError.rateLimited(let seconds) {
                // Kept as typed: the person sends it again later.
                let locale = try await settings.current().locale
                let text = pages.text("web_form_too_many", locale).replacingOccurrences(of: "%d", with: String(max(1, (seconds + 59) / 60)))
                var response = try await page(form, request, values: sent, errors: ["general": text], embedded: embedded,
                                              status: .tooManyRequests)
                response.headers[.retryAfter] = String(seconds)
                return response
            }
        }
    }

    func page(_ form: WebForm, _ request: Request, values: [String: String], errors: [String: String], embedded: Bool, thanks: Bool = false,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let locale = try await settings.current().locale
        var model: [String: Any] = [
            "lang": locale.rawValue, "t": pages.localizer.catalog(locale), "embedded": embedded,
            "form": ["name": form.name, "slug": form.slug + (embedded ? "?embed=1" : "")],
            "token": forms.token(for: form), "referrer": values["_referrer"] ?? "",
            "utm": Self.utmNames.compactMap { name in values[name].map { ["name": name, "value": $0] } },
        ]
        if thanks { model["thanks"] = form.thankYou }
        let unknown = errors.keys.filter { key in key != "general" && !form.fields.contains { $0.code == key } }
        let general = ([errors["general"]] + unknown.sorted().map { errors[$0] }).compactMap { $0 }
        if !general.isEmpty { model["error"] = general.joined(separator: " ") }
        model["fields"] = form.fields.map { field -> [String: Any] in
            let type = field.code == "email" ? "email" : (field.code == "phone" ? "tel" : "text")
            let autocomplete = ["email": "email", "phone": "tel", "full_name": "name", "first_name": "given-name",
                                "last_name": "family-name", "company_name": "organization"][field.code] ?? "off"
            return ["code": field.code, "label": field.label, "required": field.required, "value": values[field.code] ?? "",
                    "textarea": field.code == "comments" || field.code == "object_address", "type": type,
                    "autocomplete": autocomplete, "error": errors[field.code] ?? ""]
        }
        var response = pages.render("web_form_page", model, request: request, status: status)
        // Shown inside the company's own site: framing is the point of the snippet.
        response.headers[.contentSecurityPolicy] = "frame-ancestors *"
        return response
    }
}
