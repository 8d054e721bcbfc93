import Foundation
import RapportDomain
import SQLKit

/// The messenger chats requests came from, and the record each is about.
public struct MessengerChatStore: Sendable {
    public init() {}

    static let columns = "integration_id, chat_id, link_entity, link_id, created_at, last_message_at"

    /// The record a chat of that integration is about.
    public func find(integrationID: Int64, chatID: String, on db: any SQLDatabase) async throws -> MessengerChat? {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM messenger_chats WHERE integration_id = \(bind: integrationID) AND chat_id = \(bind: chatID)
            """).first().map(Self.decode)
    }

    /// The record's chats, the one with the latest message first.
    public func list(link: WorkTask.Link, on db: any SQLDatabase) async throws -> [MessengerChat] {
        try await db.raw("""
            SELECT \(unsafeRaw: Self.columns) FROM messenger_chats WHERE link_entity = \(bind: link.entity) AND link_id = \(bind: link.id)
            ORDER BY last_message_at DESC, id DESC
            """).all().map(Self.decode)
    }

    /// Notes a message of the chat on `link`: the chat is about the record its latest message
    /// went to (the first one's, unless that record was deleted), and its last message's time moves on.
    public func touch(integrationID: Int64, chatID: String, link: WorkTask.Link, at: Date, on db: any SQLDatabase) async throws {
        if try await find(integrationID: integrationID, chatID: chatID, on: db) != nil {
            try await db.raw("""
                UPDATE messenger_chats SET last_message_at = \(bind: at.millis), link_entity = \(bind: link.entity), link_id = \(bind: link.id)
                WHERE integration_id = \(bind: integrationID) AND chat_id = \(bind: chatID)
                """).run()
        } else {
            try await db.raw("""
                INSERT INTO messenger_chats (integration_id, chat_id, link_entity, link_id, created_at, last_message_at)
                VALUES (\(bind: integrationID), \(bind: chatID), \(bind: link.entity), \(bind: link.id), \(bind: at.millis), \(bind: at.millis))
                """).run()
        }
    }

    static func decode(_ row: any SQLRow) throws -> MessengerChat {
        MessengerChat(integrationID: try row.decode(column: "integration_id", as: Int64.self), chatID: try row.decode(column: "chat_id", as: String.self),
                      link: WorkTask.Link(entity: try row.decode(column: "link_entity", as: String.self),
                                          id: try row.decode(column: "link_id", as: Int64.self)),
                      createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                      lastMessageAt: Date(millis: try row.decode(column: "last_message_at", as: Int64.self)))
    }
}
