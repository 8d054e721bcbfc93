import RapportDomain

/// A signed-in user as one lookup returns them: the user and their role's rights.
public struct AuthenticatedUser: Sendable, Equatable {
    public var user: User
    public var permissions: PermissionMatrix

    public init(user: User, permissions: PermissionMatrix) {
        self.user = user
        self.permissions = permissions
    }
}
