import Foundation
import HTTPTypes
import Hummingbird
import RapportDomain

/// The one table from errors to HTTP answers: status, problem type and title, extra headers.
/// A record the user may not read answers 404, like one that does not exist.
enum ErrorTable {
    struct Entry {
        var status: HTTPResponse.Status
        var problem: Problem
        var headers: HTTPFields = [:]
        /// The localisation key for the web page's message.
        var messageKey: String
    }

    static func entry(for error: any Error) -> Entry {
        switch error {
        case let error as RapportError:
            return entry(for: error)
        case let error as RapportHTTPError:
            return entry(for: error)
        case let error as HTTPError:
            let status = error.status
            let key = status == .notFound ? "error_not_found" : "error_generic"
            return Entry(status: status, problem: problem(status, slug(status), detail: error.body), messageKey: key)
        case let error as any HTTPResponseError:
            // e.g. a body over the limit (NIO's "too many bytes": 413)
            let status = error.status
            let detail = status == .contentTooLarge ? "the request body is larger than 1 MiB" : nil
            return Entry(status: status, problem: problem(status, slug(status), detail: detail),
                         messageKey: "error_generic")
        default:
            return Entry(status: .internalServerError,
                         problem: problem(.internalServerError, "internal", detail: "an unexpected error occurred"),
                         messageKey: "error_generic")
        }
    }

    static func entry(for error: RapportError) -> Entry {
        switch error {
        case .validation(let errors):
            var p = problem(.unprocessableContent, "validation", detail: "the request has invalid fields")
            p.errors = errors
            return Entry(status: .unprocessableContent, problem: p, messageKey: "error_generic")
        case .notFound(let entity):
            return Entry(status: .notFound, problem: problem(.notFound, "not-found", detail: "no such \(entity)"),
                         messageKey: "error_not_found")
        case .conflict(let message):
            return Entry(status: .conflict, problem: problem(.conflict, "conflict", detail: message),
                         messageKey: "error_conflict")
        case .stale(let version):
            var p = problem(.preconditionFailed, "stale", detail: "the record changed since you read it; reload it")
            p.currentVersion = version
            return Entry(status: .preconditionFailed, problem: p, headers: [.eTag: "\"\(version)\""],
                         messageKey: "error_stale")
        case .forbidden:
            return Entry(status: .forbidden, problem: problem(.forbidden, "forbidden", detail: "you may not do this"),
                         messageKey: "error_forbidden")
        case .unauthenticated:
            return Entry(status: .unauthorized,
                         problem: problem(.unauthorized, "unauthenticated", detail: "sign in or send a valid bearer token"),
                         headers: [.wwwAuthenticate: "Bearer"], messageKey: "error_login_failed")
        case .rateLimited(let seconds):
            return Entry(status: .tooManyRequests,
                         problem: problem(.tooManyRequests, "rate-limited", detail: "too many attempts; retry after \(seconds) s"),
                         headers: [.retryAfter: String(seconds)], messageKey: "error_too_many_attempts")
        case .possibleDuplicates(let candidates):
            var p = problem(.conflict, "possible-duplicates",
                            detail: "the record looks like existing ones; send allow_duplicates=true to save it anyway")
            p.duplicates = candidates.map {
                Problem.Duplicate(entity: $0.entity, id: $0.id, name: $0.name, reasons: $0.reasons.map(\.rawValue))
            }
            return Entry(status: .conflict, problem: p, messageKey: "error_conflict")
        case .moveRefused(let refusal):
            var p = problem(.unprocessableContent, "move-refused",
                            detail: "the stage's gate refused the move; obstacles lists everything in the way")
            p.obstacles = MoveObstacleDTO.list(refusal, locale: .en)
            let fields = p.obstacles?.compactMap { o in
                o.field.map { FieldError(field: $0, code: "required", message: "\(o.label ?? $0) is required for this stage") }
            } ?? []
            p.errors = fields.isEmpty ? nil : fields
            return Entry(status: .unprocessableContent, problem: p, messageKey: "error_move_refused")
        case .unavailable:
            return Entry(status: .serviceUnavailable,
                         problem: problem(.serviceUnavailable, "unavailable", detail: "the database is unavailable; try again shortly"),
                         headers: [.retryAfter: "5"], messageKey: "error_unavailable")
        case .upstream(let message):
            return Entry(status: .badGateway, problem: problem(.badGateway, "upstream-failed", detail: message),
                         messageKey: "error_upstream")
        }
    }

    static func entry(for error: RapportHTTPError) -> Entry {
        switch error {
        case .unauthenticated:
            return entry(for: RapportError.unauthenticated)
        case .malformedJSON(let detail):
            return Entry(status: .badRequest, problem: problem(.badRequest, "malformed", detail: detail),
                         messageKey: "error_generic")
        case .tooDeep:
            return Entry(status: .badRequest,
                         problem: problem(.badRequest, "too-deep", detail: "JSON nesting exceeds \(JSONBody.maxDepth) levels"),
                         messageKey: "error_generic")
        case .csrf:
            return Entry(status: .forbidden, problem: problem(.forbidden, "csrf", detail: "missing or wrong CSRF token"),
                         messageKey: "error_csrf")
        case .unsupportedMediaType:
            return Entry(status: .unsupportedMediaType,
                         problem: problem(.unsupportedMediaType, "unsupported-media-type", detail: "send application/json"),
                         messageKey: "error_generic")
        case .badHeader(let name):
            return Entry(status: .badRequest, problem: problem(.badRequest, "bad-header", detail: "the \(name) header is malformed"),
                         messageKey: "error_generic")
        }
    }

    static func problem(_ status: HTTPResponse.Status, _ slug: String, detail: String?) -> Problem {
        Problem(type: "https://rapport.example/problems/\(slug)", title: status.reasonPhrase, status: status.code,
                detail: detail, errors: nil, currentVersion: nil, duplicates: nil, obstacles: nil)
    }

    static func slug(_ status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "-")
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
    static let csrfToken = Self("X-CSRF-Token")!
    static let requestID = Self("X-Request-ID")!
}
