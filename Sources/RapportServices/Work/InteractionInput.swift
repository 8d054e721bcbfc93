import RapportDomain

/// What a person or a client sends to create or change an interaction. nil leaves a field as
/// it is; an empty string clears an optional text; dates are ISO 8601 with a zone.
public struct InteractionInput: Sendable, Equatable {
    /// A participant as sent: a record (`contact`, `company`, `user` with its id) or `text`.
    public struct ParticipantInput: Sendable, Equatable, Codable {
        public var kind: String
        public var id: Int64?
        public var name: String?

        public init(kind: String, id: Int64? = nil, name: String? = nil) {
            self.kind = kind; self.id = id; self.name = name
        }
    }

    public var kind: String?
    public var subject: String?
    public var details: String?
    public var startAt: String?
    public var durationMinutes: Int?
    public var channel: String?
    public var direction: String?
    public var priority: String?
    public var purpose: String?
    public var state: String?
    public var status: String?
    public var advertisingSource: String?
    public var participants: [ParticipantInput]?
    public var ownerID: Int64?
    public var result: String?
    /// `company` or `contact`; an empty string removes the link.
    public var linkEntity: String?
    public var linkID: Int64?
    public var reminders: [String]?

    public init(kind: String? = nil, subject: String? = nil, details: String? = nil, startAt: String? = nil,
                durationMinutes: Int? = nil, channel: String? = nil, direction: String? = nil, priority: String? = nil,
                purpose: String? = nil, state: String? = nil, status: String? = nil, advertisingSource: String? = nil,
                participants: [ParticipantInput]? = nil, ownerID: Int64? = nil, result: String? = nil,
                linkEntity: String? = nil, linkID: Int64? = nil, reminders: [String]? = nil) {
        self.kind = kind; self.subject = subject; self.details = details; self.startAt = startAt
        self.durationMinutes = durationMinutes; self.channel = channel; self.direction = direction; self.priority = priority
        self.purpose = purpose; self.state = state; self.status = status; self.advertisingSource = advertisingSource
        self.participants = participants; self.ownerID = ownerID; self.result = result; self.linkEntity = linkEntity
        self.linkID = linkID; self.reminders = reminders
    }
}
