import Foundation

/// A node of the company's department tree.
public struct Department: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var parentID: Int64?
    public var headUserID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var createdBy: Int64?
    public var version: Int64

    public init(id: Int64, name: String, parentID: Int64?, headUserID: Int64?, createdAt: Date, updatedAt: Date,
                createdBy: Int64?, version: Int64) {
        self.id = id; self.name = name; self.parentID = parentID; self.headUserID = headUserID
        self.createdAt = createdAt; self.updatedAt = updatedAt; self.createdBy = createdBy; self.version = version
    }
}
