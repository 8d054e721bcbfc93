import Hummingbird
import Logging

/// Gives every request an id: in the log metadata of everything it causes, and in the
/// `X-Request-ID` answer header so a user's report can be matched to the log.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = RapportRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[.requestID] = context.id
        return response
    }
}
