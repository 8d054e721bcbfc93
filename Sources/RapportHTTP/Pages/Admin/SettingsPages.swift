import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/settings`: the company's name, time zone, currency and language, its legal details
/// for documents, and the logo, stamp and signature (uploaded as JPEG or PNG).
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
                          locale: form["locale"] ?? "", requisites: Self.requisites(form)),
                    expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/settings", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, values: form.values, errors: pages.flatErrors(error, pages.locale(request, context)))
            }
        }
        for picture in CompanyRequisites.Picture.allCases {
            group.post("admin/settings/pictures/\(picture.rawValue)") { request, context in
                let principal = try context.requirePrincipal()
                let form = try await MultipartForm.read(request, context: context, csrf: csrfToken(principal), limit: (5 << 20))
                guard let file = form.files["file"], !file.fileName.isEmpty else {
                    return pages.redirect(to: "/admin/settings#pictures", flash: "flash_file_missing_refused")
                }
                do {
                    _ = try await settings.setPicture(picture, fileName: file.fileName, contentType: file.contentType, bytes: file.bytes,
                                                      by: principal)
                } catch RapportError.validation(let errors) {
                    return try await page(request, context, values: [:], errors: ["picture_\(picture.rawValue)": errors.first?.message ?? ""])
                }
                return pages.redirect(to: "/admin/settings#pictures", flash: "flash_saved")
            }
            group.post("admin/settings/pictures/\(picture.rawValue)/delete") { request, context in
                let principal = try context.requirePrincipal()
                _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                _ = try await settings.removePicture(picture, by: principal)
                return pages.redirect(to: "/admin/settings#pictures", flash: "flash_deleted")
            }
        }
    }

    /// The legal details fields of the form (`requisites_inn` …).
    static func requisites(_ form: PageForm) -> CompanyRequisites {
        var r = CompanyRequisites()
        func value(_ key: String) -> String? { form["requisites_\(key)"] }
        (r.fullName, r.inn, r.kpp, r.ogrn) = (value("full_name"), value("inn"), value("kpp"), value("ogrn"))
        (r.legalAddress, r.phone, r.email, r.website) = (value("legal_address"), value("phone"), value("email"), value("website"))
        (r.director, r.accountant) = (value("director"), value("accountant"))
        r.bankAccount = BankAccount(bankName: value("bank_name"), bik: value("bik"), account: value("account"),
                                    correspondentAccount: value("correspondent_account"))
        return r
    }

    static let requisiteFields = ["full_name", "inn", "kpp", "ogrn", "legal_address", "phone", "email", "website", "bank_name", "bik",
                                  "account", "correspondent_account", "director", "accountant"]

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
        let r = current.requisites
        let stored: [String: String?] = [
            "full_name": r.fullName, "inn": r.inn, "kpp": r.kpp, "ogrn": r.ogrn, "legal_address": r.legalAddress, "phone": r.phone,
            "email": r.email, "website": r.website, "bank_name": r.bankAccount?.bankName, "bik": r.bankAccount?.bik,
            "account": r.bankAccount?.account, "correspondent_account": r.bankAccount?.correspondentAccount, "director": r.director,
            "accountant": r.accountant,
        ]
        model["requisites"] = Self.requisiteFields.map { key -> [String: Any] in
            let error = errors["requisites_\(key)"] ?? errors["requisites_bank_account_\(key)"]
            return ["key": key, "label": pages.text("requisite_\(key)", locale), "value": values["requisites_\(key)"] ?? (stored[key] ?? nil) ?? "",
                    "error": error ?? "", "wide": key == "full_name" || key == "legal_address" || key == "bank_name"]
        }
        model["pictures"] = CompanyRequisites.Picture.allCases.map { picture -> [String: Any] in
            ["kind": picture.rawValue, "label": pages.text("picture_\(picture.rawValue)", locale), "set": r.fileID(picture) != nil,
             "src": "/api/v1/settings/pictures/\(picture.rawValue)?v=\(r.fileID(picture) ?? 0)", "error": errors["picture_\(picture.rawValue)"] ?? ""]
        }
        model["errors"] = errors
        model["can_edit"] = principal.may(.update, .settings)
        return pages.render("settings", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
