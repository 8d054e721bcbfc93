import Hummingbird
import Logging
import NIOCore
import RapportServices

/// The request context of every route: who is asking (filled by `AuthMiddleware`) and
/// where from.
public struct RapportRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in user, when the request carried a valid session cookie or bearer token.
    public var principal: Principal?
    /// The raw session cookie, kept so logout and password change can name the session.
    public var sessionCookie: String?
    /// The peer's IP address, for login throttling.
    public var remoteAddress: String?

    /// Bodies over 1 MiB are refused with 413 before they are read whole.
    public var maxUploadSize: Int { 1 << 20 }

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The principal of a route that `RequireSignIn` guards.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw RapportHTTPError.unauthenticated }
        return principal
    }
}

/// Errors only the HTTP layer raises (the services raise `RapportError`).
public enum RapportHTTPError: Error, Equatable {
    case unauthenticated
    case malformedJSON(String)
    case tooDeep
    case csrf
    case unsupportedMediaType
    case badHeader(String)
}
