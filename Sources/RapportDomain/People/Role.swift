import Foundation

/// A named set of rights given to users.
public struct Role: Equatable, Sendable {
    public var id: Int64
    /// A stable key for the built-in roles (`administrator`, `head_of_sales`, …); nil for roles
    /// an administrator made.
    public var key: String?
    public var name: String
    public var description: String?
    public var permissions: PermissionMatrix
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: Int64?
    public var version: Int64

    public init(id: Int64, key: String?, name: String, description: String?, permissions: PermissionMatrix,
                createdAt: Date, updatedAt: Date, createdBy: Int64?, version: Int64) {
        self.id = id; self.key = key; self.name = name; self.description = description
        self.permissions = permissions; self.createdAt = createdAt; self.updatedAt = updatedAt
        self.createdBy = createdBy; self.version = version
    }
}
