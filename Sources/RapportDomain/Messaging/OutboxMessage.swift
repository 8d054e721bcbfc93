import Foundation

/// A message waiting to go out, or gone (P8): an e-mail, an SMS, a messenger reply or a webhook call, written in
/// the same transaction as the change that asked for it and delivered by a worker — retried
/// with growing pauses, each message under its own idempotency key, failed for good with the
/// reason after the last try, and resendable.
public struct OutboxMessage: Equatable, Sendable {
    public enum Channel: String, CaseIterable, Sendable {
        case email, sms, webhook
        /// A reply into a messenger chat, through its lead webhook integration's connector.
        case messenger

        /// The channel's name as histories and cards show it (the same in both languages).
        public var label: String {
            switch self {
            case .email: "E-mail"
            case .sms: "SMS"
            case .messenger: "Messenger"
            case .webhook: "Webhook"
            }
        }
    }

    public enum State: String, CaseIterable, Sendable {
        /// Waiting for its (next) try.
        case queued
        /// A worker is sending it (until its lease ends).
        case sending
        /// The server or gateway took it.
        case sent
        /// The channel reported it delivered (an SMS delivery report).
        case delivered
        /// Given up: `lastError` says why.
        case failed
    }

    public var id: Int64
    public var channel: Channel
    /// An e-mail address, a phone number in E.164, a webhook's URL, a messenger's chat id.
    public var recipient: String
    public var subject: String?
    /// The plain text (an SMS, an e-mail's text part, a webhook's JSON body).
    public var body: String
    public var html: String?
    /// Files to attach (attachment ids).
    public var attachmentIDs: [Int64]
    public var state: State
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    /// What the message is about: its status shows on that record's timeline.
    public var link: WorkTask.Link?
    public var templateVersionID: Int64?
    /// The same key twice is the same message (a retried request queues nothing new).
    public var idempotencyKey: String?
    /// An e-mail's Message-ID, the one it answers and the thread it is in.
    public var messageID: String?
    public var inReplyTo: String?
    /// The gateway's id of an SMS, for its delivery report.
    public var providerID: String?
    /// The webhook subscription a webhook call is for (its URL's secret signs it).
    public var webhookID: Int64?
    /// The integration a messenger reply goes through (its chat's lead webhook).
    public var integrationID: Int64?
    /// An automatic answer (`Auto-Submitted: auto-replied`): never more than one a day to an address.
    public var autoReply = false
    public var createdBy: Int64?
    public var createdAt: Date
    public var sentAt: Date?
    public var deliveredAt: Date?

    public init(id: Int64 = 0, channel: Channel, recipient: String, subject: String? = nil, body: String, html: String? = nil,
                attachmentIDs: [Int64] = [], state: State = .queued, link: WorkTask.Link? = nil, templateVersionID: Int64? = nil,
                idempotencyKey: String? = nil, createdBy: Int64? = nil, createdAt: Date) {
        self.id = id
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.html = html
        self.attachmentIDs = attachmentIDs
        self.state = state
        self.attempts = 0
        self.link = link
        self.templateVersionID = templateVersionID
        self.idempotencyKey = idempotencyKey
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}

/// How long the outbox waits before trying a message again, and when it gives up: 30 s after
/// the first failure, doubling to at most an hour between tries; the twelfth failure is final,
/// so a server down for several hours still gets its messages when it returns.
public enum OutboxPolicy {
    public static let maxAttempts = 12

    public static func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(30 * pow(2, Double(max(0, attempt - 1))), 3600)
    }
}
