import Foundation

/// A conversation in a messenger (WhatsApp, Telegram …) that reaches us through a lead webhook
/// integration: the chat's id there and the record it is about. Replies go back to it through
/// the integration's outgoing connector.
public struct MessengerChat: Equatable, Sendable {
    public var integrationID: Int64
    public var chatID: String
    public var link: WorkTask.Link
    public var createdAt: Date
    public var lastMessageAt: Date

    public init(integrationID: Int64, chatID: String, link: WorkTask.Link, createdAt: Date, lastMessageAt: Date) {
        self.integrationID = integrationID
        self.chatID = chatID
        self.link = link
        self.createdAt = createdAt
        self.lastMessageAt = lastMessageAt
    }
}
