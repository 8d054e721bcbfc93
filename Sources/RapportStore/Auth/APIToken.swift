import Foundation

/// A personal API token as listed: never the secret itself, only its first characters.
public struct APIToken: Sendable, Equatable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    /// The first characters of the secret, so a person can tell tokens apart.
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(id: Int64, userID: Int64, name: String, prefix: String, createdAt: Date, lastUsedAt: Date?,
                expiresAt: Date?, revokedAt: Date?) {
        self.id = id; self.userID = userID; self.name = name; self.prefix = prefix; self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt; self.expiresAt = expiresAt; self.revokedAt = revokedAt
    }
}
