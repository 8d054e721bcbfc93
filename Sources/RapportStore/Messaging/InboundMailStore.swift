import Foundation
import RapportDomain
import SQLKit

/// The e-mails taken in (`inbound_emails`, one row per Message-ID) and the questions about
/// mail threads that read them together with the e-mails sent (`outbox_messages`).
public struct InboundMailStore: Sendable {
    public init() {}

    /// One e-mail taken in: what it was, the record it landed on and what it made there.
    public struct Entry: Sendable, Equatable {
        public var messageID: String?
        public var fromAddress: String
        public var subject: String
        public var link: WorkTask.Link
        public var interactionID: Int64?
        public var autoReplyID: Int64?
        public var receivedAt: Date

        public init(messageID: String?, fromAddress: String, subject: String, link: WorkTask.Link, interactionID: Int64?,
                    autoReplyID: Int64?, receivedAt: Date) {
            self.messageID = messageID
            self.fromAddress = fromAddress
            self.subject = subject
            self.link = link
            self.interactionID = interactionID
            self.autoReplyID = autoReplyID
            self.receivedAt = receivedAt
        }
    }

    public func insert(_ e: Entry, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO inbound_emails (message_id, from_address, subject, link_entity, link_id, interaction_id, auto_reply_id, received_at)
            VALUES (\(bind: e.messageID), \(bind: e.fromAddress), \(bind: e.subject), \(bind: e.link.entity), \(bind: e.link.id),
                \(bind: e.interactionID), \(bind: e.autoReplyID), \(bind: e.receivedAt.millis))
            """).run()
    }

    /// The record an e-mail with this Message-ID was taken onto (the same message again).
    public func link(ofReceived messageID: String, on db: any SQLDatabase) async throws -> WorkTask.Link? {
        try await db.raw("SELECT link_entity, link_id FROM inbound_emails WHERE message_id = \(bind: messageID)").first().map(Self.link)
    }

    /// The record a message of a thread is about: an e-mail we sent with that Message-ID, or
    /// one we took in.
    public func link(ofThreadMessage messageID: String, on db: any SQLDatabase) async throws -> WorkTask.Link? {
        try await db.raw("""
            SELECT link_entity, link_id FROM outbox_messages WHERE message_id = \(bind: messageID) AND link_entity IS NOT NULL
            UNION ALL SELECT link_entity, link_id FROM inbound_emails WHERE message_id = \(bind: messageID)
            """).first().map(Self.link)
    }

    /// The last e-mail the record's client wrote that a reply can thread to (one with a Message-ID).
    public func lastReceived(on link: WorkTask.Link, on db: any SQLDatabase) async throws -> Entry? {
        try await db.raw("""
            SELECT message_id, from_address, subject, link_entity, link_id, interaction_id, auto_reply_id, received_at FROM inbound_emails
            WHERE link_entity = \(bind: link.entity) AND link_id = \(bind: link.id) AND message_id IS NOT NULL
            ORDER BY id DESC LIMIT 1
            """).first().map(Self.decode)
    }

    /// Whether an automatic reply went to the address since then (one a day per sender).
    public func autoReplied(to address: String, since: Date, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("""
            SELECT 1 AS x FROM outbox_messages WHERE auto_reply = TRUE AND recipient = \(bind: address) AND created_at > \(bind: since.millis)
            """).first() != nil
    }

    static func link(_ row: any SQLRow) throws -> WorkTask.Link {
        WorkTask.Link(entity: try row.decode(column: "link_entity", as: String.self), id: try row.decode(column: "link_id", as: Int64.self))
    }

    static func decode(_ row: any SQLRow) throws -> Entry {
        Entry(messageID: try row.decode(column: "message_id", as: String?.self),
              fromAddress: try row.decode(column: "from_address", as: String.self),
              subject: try row.decode(column: "subject", as: String.self), link: try link(row),
              interactionID: try row.decode(column: "interaction_id", as: Int64?.self),
              autoReplyID: try row.decode(column: "auto_reply_id", as: Int64?.self),
              receivedAt: Date(millis: try row.decode(column: "received_at", as: Int64.self)))
    }
}
