import Foundation

/// An interaction with a client (P6): a call, an e-mail, a meeting, a visit, a note… held or
/// planned. Interactions about the same client and subject form a chain (`threadID`, the id
/// of the chain's first interaction); the planned ones are the work queue.
public struct Interaction: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case call, email, letter, meeting, planned, sms, messenger, visit, note

        /// Kinds that happen at a place and time with people present: they carry reminders
        /// and appear in calendars.
        public var isAppointment: Bool { self == .meeting || self == .visit || self == .planned }
    }

    public enum Direction: String, CaseIterable, Codable, Sendable {
        case incoming, outgoing
    }

    public enum Priority: String, CaseIterable, Codable, Sendable {
        case low, medium, high
    }

    /// What the interaction was for.
    public enum Purpose: String, CaseIterable, Codable, Sendable {
        case sale, consultation, complaint, service, other
    }

    /// Whether what was agreed got done.
    public enum State: String, CaseIterable, Codable, Sendable {
        case noReview = "no_review", notDone = "not_done", done, partiallyDone = "partially_done"
    }

    public enum Status: String, CaseIterable, Codable, Sendable {
        case planned, held, cancelled
    }

    /// Someone who took part: a contact, a company, a colleague, or a name as it was heard
    /// (`text`) until someone links it to a record.
    public struct Participant: Equatable, Hashable, Codable, Sendable {
        public enum Kind: String, CaseIterable, Codable, Sendable {
            case contact, company, user, text
        }

        public var kind: Kind
        /// The record's id; nil for `text`.
        public var refID: Int64?
        /// The free text for `text`; for a record, its name when the interaction was saved.
        public var name: String?

        public init(kind: Kind, refID: Int64? = nil, name: String? = nil) {
            self.kind = kind
            self.refID = refID
            self.name = name
        }
    }

    public var id: Int64
    public var kind: Kind
    public var subject: String
    public var details: String?
    public var startAt: Date
    public var durationMinutes: Int?
    /// Where it happened: the number dialled, the address written to, the messenger.
    public var channel: String?
    public var direction: Direction?
    public var priority: Priority
    public var purpose: Purpose?
    public var state: State
    public var status: Status
    public var advertisingSource: String?
    public var participants: [Participant]
    public var ownerID: Int64
    public var result: String?
    /// The record it is about (a company or contact; later a lead or deal).
    public var link: WorkTask.Link?
    public var threadID: Int64
    /// The interaction this one follows up, if any.
    public var parentID: Int64?
    /// When to remind the responsible and the colleagues taking part, ascending.
    public var reminders: [Date]
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, kind: Kind, subject: String, details: String? = nil, startAt: Date, durationMinutes: Int? = nil,
                channel: String? = nil, direction: Direction? = nil, priority: Priority = .medium, purpose: Purpose? = nil,
                state: State = .noReview, status: Status = .held, advertisingSource: String? = nil,
                participants: [Participant] = [], ownerID: Int64, result: String? = nil, link: WorkTask.Link? = nil,
                threadID: Int64 = 0, parentID: Int64? = nil, reminders: [Date] = [], createdBy: Int64? = nil, createdAt: Date,
                updatedAt: Date, version: Int64 = 1) {
        self.id = id; self.kind = kind; self.subject = subject; self.details = details; self.startAt = startAt
        self.durationMinutes = durationMinutes; self.channel = channel; self.direction = direction; self.priority = priority
        self.purpose = purpose; self.state = state; self.status = status; self.advertisingSource = advertisingSource
        self.participants = participants; self.ownerID = ownerID; self.result = result; self.link = link
        self.threadID = threadID; self.parentID = parentID; self.reminders = reminders; self.createdBy = createdBy
        self.createdAt = createdAt; self.updatedAt = updatedAt; self.version = version
    }

    /// Planned and its time has passed: it waits for someone to hold it or say what happened.
    public func isOverdue(at now: Date) -> Bool {
        status == .planned && startAt < now
    }

    /// The colleagues taking part (besides the responsible).
    public var userParticipantIDs: [Int64] {
        participants.compactMap { $0.kind == .user ? $0.refID : nil }
    }

    /// When it ends, when it has a duration.
    public var endAt: Date? {
        durationMinutes.map { startAt.addingTimeInterval(TimeInterval($0) * 60) }
    }

    /// The subject as chains compare it: reply and forward prefixes ("Re:", "Fwd:", "Ответ:",
    /// "Пересл:", repeated or numbered like "Re[2]:") removed, spaces collapsed, lower-cased.
    public static func threadKey(_ subject: String) -> String {
        var text = Substring(subject)
        let prefixes = ["re", "fw", "fwd", "aw", "ответ", "отв", "пересл"]
        while true {
            let trimmed = text.drop { $0.isWhitespace }
            guard let colon = trimmed.prefix(12).firstIndex(of: ":") else { text = trimmed; break }
            var word = trimmed[..<colon].lowercased()
            if let bracket = word.firstIndex(of: "["), word.hasSuffix("]") { word = String(word[..<bracket]) }
            if let paren = word.firstIndex(of: "("), word.hasSuffix(")") { word = String(word[..<paren]) }
            guard prefixes.contains(word.trimmingCharacters(in: .whitespaces)) else { text = trimmed; break }
            text = trimmed[trimmed.index(after: colon)...]
        }
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }
}
