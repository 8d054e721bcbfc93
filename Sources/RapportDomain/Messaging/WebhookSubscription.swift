import Foundation

/// Another system told of changes in Rapport (P16): each event of the kinds it subscribed to
/// (`lead.created`, `deal.updated`, `lead.*`, `*`) is POSTed to its URL as JSON, signed with
/// its secret (`X-Rapport-Signature: sha256=<hex HMAC-SHA256 of the body>`), through the
/// outbox — retried, logged per subscription.
public struct WebhookSubscription: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var url: String
    public var events: [String]
    public var secret: String
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, name: String, url: String, events: [String], secret: String, active: Bool = true, createdAt: Date,
                updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.name = name
        self.url = url
        self.events = events
        self.secret = secret
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The records whose changes may be subscribed to, and what happens to them.
    public static let entities = ["company", "contact", "lead", "deal", "task", "interaction"]
    public static let actions = ["created", "updated", "deleted"]

    /// Whether the kind of event `entity.action` is one it asked for.
    public func wants(_ entity: String, _ action: String) -> Bool {
        active && events.contains { $0 == "*" || $0 == "\(entity).*" || $0 == "\(entity).\(action)" }
    }

    /// Whether a kind of event as written in a subscription can be asked for.
    public static func isKnown(_ kind: String) -> Bool {
        if kind == "*" { return true }
        let parts = kind.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return parts.count == 2 && entities.contains(parts[0]) && (parts[1] == "*" || actions.contains(parts[1]))
    }
}
