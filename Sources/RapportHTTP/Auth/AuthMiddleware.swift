import Foundation
import HTTPTypes
import Hummingbird
import RapportServices

/// Finds out who is asking: a `Bearer` token or the session cookie. It never refuses a
/// request itself; routes that need a user sit behind `RequireSignIn`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = RapportRequestContext
    static let sessionCookieName = "rapport_session"

    let auth: AuthService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let path = request.uri.path
        if path == "/health" || path == "/metrics" || path == "/api/v1/openapi.json" || path.hasPrefix("/static/") {
            return try await next(request, context)
        }
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw RapportHTTPError.unauthenticated }
            // A presented but unknown, revoked or expired token is refused outright, never
            // downgraded to an anonymous request.
            guard let principal = try await auth.principal(bearerToken: String(parts[1])) else {
                throw RapportHTTPError.unauthenticated
            }
            context.principal = principal
        } else if let cookie = request.cookies[Self.sessionCookieName]?.value, !cookie.isEmpty {
            context.principal = try await auth.principal(sessionCookie: cookie)
            context.sessionCookie = cookie
        }
        return try await next(request, context)
    }
}

/// Lets a request through only with a principal; for cookie sessions it also checks the CSRF
/// token on every unsafe method (header `X-CSRF-Token` for the API; pages check their form
/// field in `PageForm`).
struct RequireSignIn: RouterMiddleware {
    typealias Context = RapportRequestContext
    /// How the route family answers an anonymous request.
    enum Mode { case api, page }
    let mode: Mode

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let principal = context.principal else {
            if mode == .page {
                let target = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
                let next = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
                return Response.redirect(to: "/login?next=\(next)", type: .found)
            }
            throw RapportHTTPError.unauthenticated
        }
        if mode == .api, case .session(let csrf) = principal.via, !request.method.isSafe {
            guard let sent = request.headers[.csrfToken], SecretGenerator.constantTimeEquals(sent, csrf) else {
                throw RapportHTTPError.csrf
            }
        }
        return try await next(request, context)
    }
}

extension HTTPRequest.Method {
    var isSafe: Bool { self == .get || self == .head || self == .options }
}
