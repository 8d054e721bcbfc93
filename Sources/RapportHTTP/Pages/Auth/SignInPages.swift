import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// Sign-in, sign-out, the one-time first-administrator page and the language switch.
struct SignInPages {
    let pages: PageRenderer
    let auth: AuthService
    let setup: SetupService
    let users: UserService

    func register(on router: Router<RapportRequestContext>) {
        router.get("login") { request, context in
            if context.principal != nil { return Response.redirect(to: "/", type: .found) }
            if try await setup.needsFirstAdministrator() { return Response.redirect(to: "/setup", type: .found) }
            return try await loginPage(request, context, email: nil, error: nil)
        }
        router.post("login") { request, context in
            let form = try await PageForm.read(request, context: context, csrf: anonymousToken(request))
            let locale = pages.locale(request, context)
            do {
                let session = try await auth.login(email: form["email"] ?? "", password: form["password"] ?? "",
                                                   ip: context.remoteAddress, userAgent: request.headers[.userAgent])
                var response = pages.redirect(to: safeNext(form["next"]))
                response.setCookie(pages.cookie(AuthMiddleware.sessionCookieName, session.cookieValue,
                                                maxAge: Int(AuthService.sessionLifetime)))
                return response
            } catch let error as RapportError {
                let message: String
                var status: HTTPResponse.Status = .unauthorized
                switch error {
                case .rateLimited(let seconds):
                    message = pages.text("error_too_many_attempts", locale)
                        .replacingOccurrences(of: "%d", with: String(max(1, (seconds + 59) / 60)))
                    status = .tooManyRequests
                case .forbidden:
                    message = pages.text("error_account_disabled", locale)
                    status = .forbidden
                case .unauthenticated, .validation:
                    message = pages.text("error_login_failed", locale)
                default:
                    throw error
                }
                var response = try await loginPage(request, context, email: form["email"], error: message, status: status)
                if case .rateLimited(let seconds) = error { response.headers[.retryAfter] = String(seconds) }
                return response
            }
        }
        router.post("logout") { request, context in
            if let principal = context.principal, let cookie = context.sessionCookie {
                _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                try await auth.logout(cookieValue: cookie, principal: principal)
            }
            var response = Response.redirect(to: "/login", type: .found)
            response.setCookie(pages.cookie(AuthMiddleware.sessionCookieName, "", maxAge: 0))
            return response
        }
        router.get("setup") { request, context in
            guard try await setup.needsFirstAdministrator() else { return Response.redirect(to: "/login", type: .found) }
            return try await setupPage(request, context, values: [:], errors: [:])
        }
        router.post("setup") { request, context in
            guard try await setup.needsFirstAdministrator() else { return Response.redirect(to: "/login", type: .found) }
            let form = try await PageForm.read(request, context: context, csrf: anonymousToken(request))
            let input = SetupService.FirstAdministrator(
                companyName: form["company_name"], timeZone: form.text("time_zone"), currency: form.text("currency"),
                locale: form.text("locale"),
                user: UserInput(email: form["email"], password: form["password"], firstName: form["first_name"],
                                lastName: form["last_name"]))
            do {
                _ = try await setup.createFirstAdministrator(input)
                let session = try await auth.login(email: form["email"] ?? "", password: form["password"] ?? "",
                                                   ip: context.remoteAddress, userAgent: request.headers[.userAgent])
                var response = pages.redirect(to: "/", flash: "flash_created")
                response.setCookie(pages.cookie(AuthMiddleware.sessionCookieName, session.cookieValue,
                                                maxAge: Int(AuthService.sessionLifetime)))
                return response
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await setupPage(request, context, values: form.values,
                                           errors: pages.errors(error, pages.locale(request, context)),
                                           status: .unprocessableContent)
            }
        }
        router.post("locale") { request, context in
            let expected = context.principal.map(csrfToken) ?? anonymousToken(request)
            let form = try await PageForm.read(request, context: context, csrf: expected)
            guard let locale = form["locale"].flatMap(AppLocale.init(rawValue:)) else {
                throw RapportError.invalid("locale", "invalid", "locale must be one of en, ru")
            }
            if let principal = context.principal {
                _ = try await users.updateOwnLocale(locale, by: principal)
            }
            var response = Response.redirect(to: safeNext(form["return_to"]), type: .found)
            response.setCookie(pages.cookie(PageRenderer.languageCookie, locale.rawValue, maxAge: 365 * 86400))
            return response
        }
    }

    func loginPage(_ request: Request, _ context: RapportRequestContext, email: String?, error: String?,
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = anonymousToken(request) ?? SecretGenerator.token()
        var model = try await pages.model(request, context, titleKey: "title_login", csrf: token)
        if let email { model["email"] = email }
        if let error { model["error"] = error }
        model["next"] = safeNext(request.uri.queryParameters.get("next"))
        var response = pages.render("login", model, request: request, status: status)
        response.setCookie(pages.cookie(PageRenderer.anonymousCSRFCookie, token, maxAge: nil))
        return response
    }

    func setupPage(_ request: Request, _ context: RapportRequestContext, values: [String: String],
                   errors: [String: String], status: HTTPResponse.Status = .ok) async throws -> Response {
        let token = anonymousToken(request) ?? SecretGenerator.token()
        var model = try await pages.model(request, context, titleKey: "title_setup", csrf: token)
        let locale = pages.locale(request, context)
        var shown = values
        shown["password"] = nil
        if shown["time_zone"] == nil { shown["time_zone"] = "Europe/Moscow" }
        model["values"] = shown
        model["errors"] = errors
        let chosenLocale = values["locale"] ?? locale.rawValue
        model["locales"] = AppLocale.allCases.map {
            PageModel.option($0.rawValue, pages.text("locale_\($0.rawValue)", locale), selected: $0.rawValue == chosenLocale)
        }
        let currency = values["currency"] ?? "RUB"
        model["currencies"] = Currency.codes.sorted().map { PageModel.option($0, $0, selected: $0 == currency) }
        var response = pages.render("setup", model, request: request, status: status)
        response.setCookie(pages.cookie(PageRenderer.anonymousCSRFCookie, token, maxAge: nil))
        return response
    }

    func anonymousToken(_ request: Request) -> String? {
        request.cookies[PageRenderer.anonymousCSRFCookie]?.value
    }

    /// Only local paths are followed after sign-in (no open redirect).
    func safeNext(_ next: String?) -> String { localPath(next) ?? "/" }
}

/// `path` when it is a path on this site starting with `prefix` (never `//host` or a
/// backslash trick), for redirects a form asks for; nil otherwise.
func localPath(_ path: String?, under prefix: String = "/") -> String? {
    guard let path, path.hasPrefix("/"), path.hasPrefix(prefix), !path.hasPrefix("//"), !path.contains("\\") else { return nil }
    return path
}

/// The session's CSRF token (API tokens have none; their forms are not pages).
func csrfToken(_ principal: Principal) -> String? {
    if case .session(let token) = principal.via { return token }
    return nil
}
