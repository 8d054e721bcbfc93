import RapportDomain
import RapportStore

/// The signed-in user a use case acts for, with what access decisions need.
public struct Principal: Sendable, Equatable {
    /// How the request proved who it is.
    public enum Via: Sendable, Equatable {
        case session(csrfToken: String)
        case token(id: Int64)
        /// The command line: trusted, used by `rapport` subcommands.
        case console
    }

    public var user: User
    public var subject: AccessSubject
    public var via: Via

    public init(user: User, subject: AccessSubject, via: Via) {
        self.user = user
        self.subject = subject
        self.via = via
    }

    public var userID: Int64 { user.id }

    /// The scope this principal's role gives for `action` on `entity`.
    public func scope(_ entity: PermissionEntity, _ action: PermissionAction) -> PermissionScope {
        subject.permissions.scope(entity, action)
    }

    public func may(_ action: PermissionAction, _ entity: PermissionEntity) -> Bool {
        AccessPolicy.allowsAny(subject, action, entity)
    }
}
