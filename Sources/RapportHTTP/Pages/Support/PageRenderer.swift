import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import RapportDomain
import RapportServices

/// Renders Mustache pages with the keys every page shares (see the layout): language and
/// catalogue, CSRF token, the signed-in user, navigation, the one-shot flash message.
struct PageRenderer: Sendable {
    static let languageCookie = "rapport_lang"
    static let flashCookie = "rapport_flash"
    /// The anonymous forms' (login, setup) double-submit CSRF cookie.
    static let anonymousCSRFCookie = "rapport_csrf"

    let library: MustacheLibrary
    let localizer: Localizer
    let settings: SettingsService
    let notifications: NotificationService
    let secureCookies: Bool

    init(resources: ResourceFiles, settings: SettingsService, notifications: NotificationService, secureCookies: Bool)
        async throws
    {
        self.library = try await MustacheLibrary(directory: resources.url("Templates").path)
        self.localizer = try Localizer(resources: resources)
        self.settings = settings
        self.notifications = notifications
        self.secureCookies = secureCookies
    }

    /// The interface language of this request: the user's preference, then the language
    /// cookie, then `Accept-Language`, then English.
    func locale(_ request: Request, _ context: RapportRequestContext) -> AppLocale {
        if let user = context.principal?.user { return user.locale }
        if let raw = request.cookies[Self.languageCookie]?.value, let locale = AppLocale(rawValue: raw) { return locale }
        return Localizer.locale(acceptLanguage: request.headers[.acceptLanguage]) ?? .en
    }

    /// The shared keys of a page titled by catalogue key `titleKey`, with `nav` the active item.
    func model(_ request: Request, _ context: RapportRequestContext, titleKey: String, nav: String? = nil,
               csrf: String? = nil) async throws -> [String: Any] {
        let locale = self.locale(request, context)
        let company = try await settings.current()
        let other: AppLocale = locale == .en ? .ru : .en
        var model: [String: Any] = [
            "lang": locale.rawValue,
            "t": localizer.catalog(locale),
            "title": localizer.text(titleKey, locale),
            "company_name": company.version > 0 ? company.name : "",  // not set up yet: no second "Rapport"
            "other_lang": ["code": other.rawValue, "label": localizer.text("locale_\(other.rawValue)", locale)],
            "path": request.uri.path,
        ]
        if let key = request.cookies[Self.flashCookie]?.value, key.hasPrefix("flash_") {
            // Keys ending in `_refused` report a refusal; the rest a success.
            model["flash"] = ["success": !key.hasSuffix("_refused"), "message": localizer.text(key, locale)]
        }
        if let principal = context.principal {
            if case .session(let token) = principal.via { model["csrf"] = token }
            let user = principal.user
            model["me"] = ["display_name": user.displayName, "initials": user.initials, "email": user.email,
                           "position": user.position ?? ""]
            if let nav { model["nav"] = [nav: true] }
            // The bell in the top bar: one indexed count per page.
            let unread = try await notifications.unreadCount(by: principal)
            if unread > 0 { model["unread"] = unread > 99 ? "99+" : String(unread) }
            model["can"] = [
                "users": principal.may(.read, .user), "departments": principal.may(.read, .department),
                "roles": principal.may(.read, .role), "settings": principal.may(.update, .settings),
                "audit": principal.may(.read, .audit), "companies": principal.may(.read, .company),
                "contacts": principal.may(.read, .contact), "leads": principal.may(.read, .lead),
                "deals": principal.may(.read, .deal), "sales": principal.may(.read, .lead) || principal.may(.read, .deal),
                // The schedule of visits: for sales, and for technicians (their own visits).
                "visits": principal.may(.read, .lead) || principal.may(.read, .deal) || !principal.user.skills.isEmpty,
            ]
        }
        if let csrf { model["csrf"] = csrf }
        return model
    }

    /// Renders `template` as an HTML answer; clears a shown flash message.
    func render(_ template: String, _ model: [String: Any], request: Request,
                status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(PageModel.cleaned(model), withTemplate: template) ?? "<!doctype html><title>Rapport</title><p>Template \(template) is missing.</p>"
        var response = Response(status: status,
                                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                                body: .init(byteBuffer: ByteBuffer(string: html)))
        if model["flash"] != nil {
            response.setCookie(cookie(Self.flashCookie, "", maxAge: 0))
        }
        return response
    }

    /// A redirect after a successful form, carrying a flash message key to the next page.
    func redirect(to location: String, flash: String? = nil) -> Response {
        var response = Response.redirect(to: location, type: .found)
        if let flash { response.setCookie(cookie(Self.flashCookie, flash, maxAge: 60)) }
        return response
    }

    /// A cookie as Rapport sets them: HttpOnly, SameSite=Lax, path /, Secure behind TLS.
    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    func text(_ key: String, _ locale: AppLocale) -> String { localizer.text(key, locale) }

    /// The page heading for an error status, in the viewer's language.
    func heading(_ status: HTTPResponse.Status, _ locale: AppLocale) -> String {
        let key = "error_title_\(status.code)"
        let text = localizer.text(key, locale)
        return text == key ? status.reasonPhrase : text
    }

    /// The HTML error page for an error a page route threw.
    func errorPage(_ entry: ErrorTable.Entry, request: Request, context: RapportRequestContext) -> Response {
        let locale = self.locale(request, context)
        var message = localizer.text(entry.messageKey, locale)
        if case .some(let retry) = entry.headers[.retryAfter], entry.status == .tooManyRequests {
            message = message.replacingOccurrences(of: "%d", with: String(max(1, ((Int(retry) ?? 60) + 59) / 60)))
        }
        let model: [String: Any] = [
            "lang": locale.rawValue, "t": localizer.catalog(locale), "title": localizer.text("title_error", locale),
            "status": String(entry.status.code), "heading": heading(entry.status, locale), "message": message,
            "home_href": "/",
        ]
        return render("error", model, request: request, status: entry.status)
    }
}

/// Shapes for select boxes and error maps in page models.
enum PageModel {
    /// Removes empty strings from the model, recursively. In Mustache an empty string still
    /// opens a `{{#section}}`, so "no value" must be a missing key; interpolating a missing
    /// key prints nothing, as the empty string would.
    static func droppingEmptyStrings(_ model: [String: Any]) -> [String: Any] {
        var out: [String: Any] = [:]
        out.reserveCapacity(model.count)
        for (key, value) in model {
            if let cleaned = clean(value) { out[key] = cleaned }
        }
        return out
    }

    /// A page's whole model without its empty strings. The catalogue (`t`, nine hundred
    /// texts, none empty: see `Localizer`) is passed as it is: copying it on every page was
    /// a tenth of the work of rendering a card.
    static func cleaned(_ model: [String: Any]) -> [String: Any] {
        var model = model
        let catalog = model.removeValue(forKey: "t")
        var out = droppingEmptyStrings(model)
        out["t"] = catalog
        return out
    }

    private static func clean(_ value: Any) -> Any? {
        switch value {
        case let text as String: return text.isEmpty ? nil : text
        case let dictionary as [String: Any]: return droppingEmptyStrings(dictionary)
        case let dictionary as [String: String]: return droppingEmptyStrings(dictionary)
        case let array as [[String: Any]]: return array.map(droppingEmptyStrings)
        case let array as [Any]: return array.compactMap(clean)
        default: return value
        }
    }

    /// The same list page with the same filters, from `cursor` on.
    static func nextPage(_ request: Request, cursor: PageCursor) -> String {
        var items = URLComponents()
        items.queryItems = request.uri.queryParameters.filter { $0.key != "cursor" }
            .map { URLQueryItem(name: String($0.key), value: String($0.value)) }
            + [URLQueryItem(name: "cursor", value: cursor.encoded)]
        return request.uri.path + "?" + (items.percentEncodedQuery ?? "")
    }

    static func option(_ value: String, _ label: String, selected: Bool) -> [String: Any] {
        ["id": value, "code": value, "value": value, "label": label, "name": label, "selected": selected]
    }

}

extension PageRenderer {
    /// Field errors keyed by field name, for `errors.FIELD` in templates, in the viewer's
    /// language (catalogue key `field_error_CODE`, else the service's English message).
    func errors(_ error: RapportError, _ locale: AppLocale) -> [String: String] {
        guard case .validation(let list) = error else { return [:] }
        var map: [String: String] = [:]
        for item in list where map[item.field] == nil { map[item.field] = message(item, locale) }
        return map
    }

    /// The same, keyed `requisites_inn` for `requisites.inn`: a dotted name would read as a path
    /// in a template.
    func flatErrors(_ error: RapportError, _ locale: AppLocale) -> [String: String] {
        errors(error, locale).reduce(into: [:]) { $0[$1.key.replacingOccurrences(of: ".", with: "_")] = $1.value }
    }

    /// One field error in the viewer's language.
    func message(_ error: FieldError, _ locale: AppLocale) -> String {
        let key = "field_error_\(error.code)"
        let text = localizer.text(key, locale)
        return text == key ? error.message : text
    }
}
