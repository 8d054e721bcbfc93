/// The errors a use case can end in. They carry no HTTP: `RapportHTTP` maps each case to a
/// status and a problem document in one table.
public enum RapportError: Error, Equatable, Sendable {
    /// Input broke one or more rules; each `FieldError` names its field.
    case validation([FieldError])
    /// The record does not exist, or the actor may not see it (existence does not leak).
    case notFound(entity: String)
    /// The change conflicts with the current state (a unique value taken, a record in use).
    case conflict(String)
    /// `If-Match` named a version that is no longer current.
    case stale(currentVersion: Int64)
    /// The actor may see the record but may not do this to it.
    case forbidden
    /// No valid identity came with the request.
    case unauthenticated
    /// Too many attempts; the caller may retry after the given number of seconds.
    case rateLimited(retryAfterSeconds: Int)
    /// The database does not answer or refuses writes (read-only file, full disk).
    case unavailable(String)
    /// A new client looks like existing ones; saving needs the caller to confirm.
    case possibleDuplicates([DuplicateCandidate])
    /// A stage's gate refused a move; the refusal lists everything in the way.
    case moveRefused(MoveRefusal)
    /// An outside system Rapport asked on the user's behalf (the PBX) failed or refused.
    case upstream(String)

    /// A validation failure of a single field.
    public static func invalid(_ field: String, _ code: String, _ message: String) -> RapportError {
        .validation([FieldError(field: field, code: code, message: message)])
    }
}

/// One broken rule, named by the field it concerns (`snake_case`, as in the API).
public struct FieldError: Codable, Equatable, Sendable {
    public var field: String
    public var code: String
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}
