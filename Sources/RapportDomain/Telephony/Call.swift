import Foundation

/// A phone call as the telephony system told it, event by event (P3): who called which line,
/// who answered, how long it took, where its recording is, and what it became on our side —
/// the client or lead it belongs to, the interaction that logs it, the call-back task.
public struct Call: Equatable, Sendable {
    public enum State: String, CaseIterable, Sendable {
        case ringing, answered, missed, finished
    }

    public var id: Int64
    public var integrationID: Int64
    /// The telephony system's own id of the call.
    public var externalID: String
    public var direction: Interaction.Direction
    /// The client's number as sent, and normalised (E.164).
    public var clientNumber: String
    public var clientPhone: String?
    /// Our line (the number called, or called from).
    public var lineNumber: String?
    public var state: State
    /// Who answered an incoming call, or who dialled an outgoing one (then `answeredAt` is
    /// when the client picked up).
    public var answeredBy: Int64?
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    public var durationSeconds: Int?
    public var recordingURL: String?
    /// The missed call's follow-up (a lead or the client found, a call-back task) was made.
    public var missedHandled: Bool
    /// The client, contact or lead the call belongs to.
    public var link: WorkTask.Link?
    public var interactionID: Int64?
    public var taskID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, integrationID: Int64, externalID: String, direction: Interaction.Direction, clientNumber: String,
                clientPhone: String?, lineNumber: String? = nil, state: State = .ringing, startedAt: Date, createdAt: Date,
                updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.integrationID = integrationID
        self.externalID = externalID
        self.direction = direction
        self.clientNumber = clientNumber
        self.clientPhone = clientPhone
        self.lineNumber = lineNumber
        self.state = state
        self.startedAt = startedAt
        self.missedHandled = false
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var wasAnswered: Bool { answeredBy != nil }
}

/// One event of a call from the telephony webhook.
public struct CallEvent: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case ringing, answered, missed, finished
    }

    public var eventID: String
    public var callID: String
    public var kind: Kind
    public var direction: Interaction.Direction
    public var clientNumber: String
    public var lineNumber: String?
    /// Who answered (or called out): an e-mail or a phone of a user.
    public var employee: String?
    public var at: Date
    public var durationSeconds: Int?
    public var recordingURL: String?

    public init(eventID: String, callID: String, kind: Kind, direction: Interaction.Direction, clientNumber: String,
                lineNumber: String? = nil, employee: String? = nil, at: Date, durationSeconds: Int? = nil,
                recordingURL: String? = nil) {
        self.eventID = eventID
        self.callID = callID
        self.kind = kind
        self.direction = direction
        self.clientNumber = clientNumber
        self.lineNumber = lineNumber
        self.employee = employee
        self.at = at
        self.durationSeconds = durationSeconds
        self.recordingURL = recordingURL
    }
}
