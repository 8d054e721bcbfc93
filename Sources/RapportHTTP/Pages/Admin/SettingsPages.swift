import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/settings`: the company's name, time zone, currency and language.
struct SettingsPages {
    let pages: PageRenderer
    let settings: SettingsService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/settings") { request, context in
            try await page(request, context, values: [:], errors: [:])
        }
        group.post("admin/settings") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await settings.update(
                    .init(name: form["name"] ?? "", timeZone: form["time_zone"] ?? "", currency: form["currency"] ?? "",
                          locale: form["locale"] ?? ""),
                    expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/settings", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, values: form.values,
                                      errors: pages.errors(error, pages.locale(request, context)))
            }
        }
    }

    func page(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let current = try await settings.get(by: principal)
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: "title_settings", nav: "settings")
        model["settings"] = [
            "name": values["name"] ?? current.name, "time_zone": values["time_zone"] ?? current.timeZone,
            "currency": values["currency"] ?? current.currency, "version": current.version,
        ] as [String: Any]
        let currency = values["currency"] ?? current.currency
        model["currencies"] = Currency.codes.sorted().map { PageModel.option($0, $0, selected: $0 == currency) }
        let chosen = values["locale"] ?? current.locale.rawValue
        model["locales"] = AppLocale.allCases.map {
            PageModel.option($0.rawValue, pages.text("locale_\($0.rawValue)", locale), selected: $0.rawValue == chosen)
        }
        model["errors"] = errors
        model["can_edit"] = principal.may(.update, .settings)
        return pages.render("settings", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
