import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// `/account`: one's own password and personal API tokens.
struct AccountPages {
    let pages: PageRenderer
    let auth: AuthService
    let tokens: TokenService
    let feeds: CalendarFeedService
    let notifications: NotificationService
    let secureCookies: Bool

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("account") { request, context in
            try await page(request, context, newToken: nil, errors: [:])
        }
        group.post("account/password") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                try await auth.changePassword(principal, current: form["current_password"] ?? "",
                                              new: form["new_password"] ?? "", keepingSession: context.sessionCookie)
                return pages.redirect(to: "/account", flash: "flash_password_changed")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, newToken: nil,
                                      errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("account/tokens") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            var days: Int?
            if let text = form.text("expires_in_days") {
                guard let value = Int(text) else {
                    return try await page(request, context, newToken: nil, errors: [
                        "expires_in_days": pages.text("field_error_out_of_range", pages.locale(request, context)),
                    ])
                }
                days = value
            }
            do {
                let issued = try await tokens.create(name: form["name"], expiresInDays: days, for: principal.userID,
                                                     by: principal)
                return try await page(request, context, newToken: issued.secret, errors: [:])
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, newToken: nil,
                                      errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("account/calendar-feed") { request, context in
            let principal = try context.requirePrincipal()
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let token = try await feeds.renew(by: principal)
            return try await page(request, context, newToken: nil, errors: [:],
                                  newFeed: CalendarFeedRoute.url(request, secure: secureCookies, token: token))
        }
        group.post("account/notifications") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await notifications.setEnabledKinds(form.all("enabled"), by: principal)
            return pages.redirect(to: "/account#notification-settings", flash: "flash_saved")
        }
        group.post("account/calendar-feed/remove") { request, context in
            let principal = try context.requirePrincipal()
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await feeds.remove(by: principal)
            return pages.redirect(to: "/account#calendar-feed", flash: "flash_saved")
        }
        group.post("account/tokens/{id}/revoke") { request, context in
            let principal = try context.requirePrincipal()
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await tokens.revoke(try context.id(entity: "api_token"), by: principal)
            return pages.redirect(to: "/account", flash: "flash_token_revoked")
        }
    }

    func page(_ request: Request, _ context: RapportRequestContext, newToken: String?, errors: [String: String],
              newFeed: String? = nil) async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let zone = principal.user.timeZone
        var model = try await pages.model(request, context, titleKey: "title_account", nav: "account")
        let never = pages.text("never", locale)
        model["tokens"] = try await tokens.list(page: .init(limit: 500), by: principal).items.map { token -> [String: Any] in
            [
                "id": token.id, "name": token.name, "prefix": token.prefix + "…",
                "created": Formatting.dateTime(token.createdAt, locale: locale, timeZone: zone) ?? "",
                "last_used": Formatting.dateTime(token.lastUsedAt, locale: locale, timeZone: zone) ?? never,
                "expires": Formatting.dateTime(token.expiresAt, locale: locale, timeZone: zone) ?? never,
                "revoked": token.revokedAt != nil, "revoke_action": "/account/tokens/\(token.id)/revoke",
            ]
        }
        if let newToken { model["new_token"] = newToken }
        if let newFeed { model["new_feed"] = newFeed }
        model["has_feed"] = try await feeds.hasFeed(by: principal)
        let enabled = try await notifications.enabledKinds(by: principal)
        model["notification_kinds"] = NotificationService.kinds.map { kind -> [String: Any] in
            ["kind": kind, "label": pages.text("notification_\(kind)_setting", locale), "enabled": enabled.contains(kind)]
        }
        model["errors"] = errors
        model["locales"] = AppLocale.allCases.map {
            PageModel.option($0.rawValue, pages.text("locale_\($0.rawValue)", locale), selected: $0 == locale)
        }
        return pages.render("account", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
