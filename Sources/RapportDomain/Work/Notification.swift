import Foundation

/// Something the system tells one person in the app: a reminder that came due, a mention in
/// a comment. `source` names what made it, so the same cause never notifies twice.
public struct AppNotification: Equatable, Sendable {
    public var id: Int64
    public var userID: Int64
    public var kind: String
    public var title: String
    public var body: String?
    /// Where to go from it: a page of this site (`/tasks/12`).
    public var link: String?
    public var source: String
    public var createdAt: Date
    public var readAt: Date?

    public init(id: Int64 = 0, userID: Int64, kind: String, title: String, body: String? = nil, link: String? = nil,
                source: String, createdAt: Date, readAt: Date? = nil) {
        self.id = id; self.userID = userID; self.kind = kind; self.title = title; self.body = body; self.link = link
        self.source = source; self.createdAt = createdAt; self.readAt = readAt
    }
}

/// A moment at which something must happen once (a task's reminder).
public struct DurableTimer: Equatable, Sendable {
    public var id: Int64
    public var kind: String
    public var refID: Int64
    public var dueAt: Date

    public init(id: Int64 = 0, kind: String, refID: Int64, dueAt: Date) {
        self.id = id; self.kind = kind; self.refID = refID; self.dueAt = dueAt
    }
}
