import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error a route throws into an answer, in one place: problem+json under
/// `/api/` and for machine endpoints, an HTML error page elsewhere. The error text goes to
/// the log with the request id, never into the body of a 5xx.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = RapportRequestContext
    let renderPage: @Sendable (ErrorTable.Entry, Request, RapportRequestContext) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let entry = ErrorTable.entry(for: error)
            if entry.status.code >= 500 {
                context.logger.error("request failed", metadata: [
                    "error": "\(String(reflecting: error))", "path": "\(request.uri.path)",
                ])
            } else {
                context.logger.debug("request refused", metadata: [
                    "status": "\(entry.status.code)", "error": "\(error)",
                ])
            }
            if Self.wantsJSON(request) { return JSONResponse.problem(entry) }
            return renderPage(entry, request, context)
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        let path = request.uri.path
        return path.hasPrefix("/api/") || path == "/health" || path == "/metrics"
    }
}
