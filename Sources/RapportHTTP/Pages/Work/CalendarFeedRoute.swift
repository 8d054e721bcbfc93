import Foundation
import Hummingbird
import NIOCore
import RapportServices

/// `GET /calendar/{secret}.ics`: a person's iCalendar feed. The secret in the address is the
/// only credential (calendar apps send no cookies), so an unknown one is a plain 404.
struct CalendarFeedRoute {
    let feeds: CalendarFeedService
    let secureCookies: Bool

    func register(on router: Router<RapportRequestContext>) {
        router.get("calendar/{file}") { request, context in
            let file = context.parameters.get("file") ?? ""
            guard file.hasSuffix(".ics"),
                  let text = try await feeds.feed(token: String(file.dropLast(4)), baseURL: Self.base(request, secure: secureCookies))
            else { throw HTTPError(.notFound) }
            return Response(status: .ok,
                            headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "private, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// `http(s)://host` of this request (https when cookies are secure: behind TLS).
    static func base(_ request: Request, secure: Bool) -> String {
        (secure ? "https://" : "http://") + (request.head.authority ?? "localhost")
    }

    static func url(_ request: Request, secure: Bool, token: String) -> String {
        base(request, secure: secure) + "/calendar/\(token).ics"
    }
}
