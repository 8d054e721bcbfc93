import Foundation

/// A list of contacts a manager dials through one after another (P3), made from a filter of
/// the contacts list (a saved view): each entry keeps the number called, the result and the
/// interaction that logged it.
public struct CallList: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var ownerID: Int64
    /// The contacts list's query string the list was made from (`region=Москва&owner_id=3`).
    public var query: String
    public var total: Int
    public var done: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, name: String, ownerID: Int64, query: String, total: Int = 0, done: Int = 0, createdAt: Date,
                updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
        self.query = query
        self.total = total
        self.done = done
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var isFinished: Bool { done >= total }
}

/// One contact of a call list and how calling them went.
public struct CallListEntry: Equatable, Sendable {
    public enum Outcome: String, CaseIterable, Sendable {
        /// Spoke with them.
        case reached
        case noAnswer = "no_answer"
        case busy
        case wrongNumber = "wrong_number"
        /// They asked to be called later: a task for then.
        case callBack = "call_back"

        /// Whether the talk took place (the interaction is "done").
        public var isConversation: Bool { self == .reached || self == .callBack }
    }

    public var id: Int64
    public var listID: Int64
    public var position: Int
    public var contactID: Int64
    public var phone: String
    public var outcome: Outcome?
    public var note: String?
    public var interactionID: Int64?
    public var taskID: Int64?
    public var calledBy: Int64?
    public var calledAt: Date?

    public init(id: Int64 = 0, listID: Int64, position: Int, contactID: Int64, phone: String) {
        self.id = id
        self.listID = listID
        self.position = position
        self.contactID = contactID
        self.phone = phone
    }
}
