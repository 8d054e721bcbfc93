import Foundation

/// One entry of the event log: somebody (or the system) did something to a record.
/// Every change a service makes appends one in the same transaction; the audit log, the
/// timeline and automation read them back.
public struct Event: Equatable, Sendable {
    public var id: Int64
    public var occurredAt: Date
    /// nil when the system itself acted (a worker, a migration, the first-run setup).
    public var actorID: Int64?
    public var entity: String
    public var entityID: Int64
    public var action: EventAction
    public var changes: [FieldChange]

    public init(id: Int64, occurredAt: Date, actorID: Int64?, entity: String, entityID: Int64, action: EventAction,
                changes: [FieldChange]) {
        self.id = id; self.occurredAt = occurredAt; self.actorID = actorID; self.entity = entity
        self.entityID = entityID; self.action = action; self.changes = changes
    }
}

/// What kind of thing happened.
public enum EventAction: String, CaseIterable, Codable, Sendable {
    case created, updated, deleted, disabled, enabled
    case passwordChanged = "password_changed"
    case loggedIn = "logged_in"
    case loggedOut = "logged_out"
    case tokenCreated = "token_created"
    case tokenRevoked = "token_revoked"
    /// Two client records became one: on the survivor, and on the record merged into it.
    case merged
}

/// One field's value before and after a change; values are kept as text so any type fits.
public struct FieldChange: Codable, Equatable, Sendable {
    public var field: String
    public var old: String?
    public var new: String?

    public init(field: String, old: String?, new: String?) {
        self.field = field; self.old = old; self.new = new
    }
}

/// Builds the list of changed fields between two versions of a record.
public struct ChangeSet: Sendable {
    public private(set) var changes: [FieldChange] = []

    public init() {}

    /// Records `field` when `old` and `new` differ; nil and "" both mean "empty".
    public mutating func compare(_ field: String, _ old: String?, _ new: String?) {
        let before = (old?.isEmpty ?? true) ? nil : old
        let after = (new?.isEmpty ?? true) ? nil : new
        if before != after { changes.append(FieldChange(field: field, old: before, new: after)) }
    }

    public mutating func compare<T: CustomStringConvertible & Equatable>(_ field: String, _ old: T?, _ new: T?) {
        if old != new { changes.append(FieldChange(field: field, old: old?.description, new: new?.description)) }
    }

    /// Records a value that is set for the first time (a create).
    public mutating func set(_ field: String, _ value: String?) {
        guard let value, !value.isEmpty else { return }
        changes.append(FieldChange(field: field, old: nil, new: value))
    }

    /// Records a change whose values must not be shown (a password): only that it changed.
    public mutating func redacted(_ field: String) {
        changes.append(FieldChange(field: field, old: nil, new: nil))
    }
}
