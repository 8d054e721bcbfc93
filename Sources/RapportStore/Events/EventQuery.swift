import Foundation

/// Filters for the event log. Every value is bound.
public struct EventQuery: Sendable, Equatable {
    public var entity: String?
    public var entityID: Int64?
    /// Several records of `entity` at once (a client and the records merged into it).
    public var entityIDs: [Int64]?
    public var actorID: Int64?
    public var action: String?
    public var since: Date?
    public var until: Date?

    public init(entity: String? = nil, entityID: Int64? = nil, entityIDs: [Int64]? = nil, actorID: Int64? = nil,
                action: String? = nil, since: Date? = nil, until: Date? = nil) {
        self.entity = entity; self.entityID = entityID; self.entityIDs = entityIDs; self.actorID = actorID; self.action = action
        self.since = since; self.until = until
    }
}
