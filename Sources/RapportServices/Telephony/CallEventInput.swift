import Foundation
import RapportDomain

/// One call event as the telephony webhook sends it (JSON, snake_case).
public struct CallEventInput: Sendable, Equatable, Decodable {
    public var eventID: String?
    public var callID: String?
    public var type: String?
    public var direction: String?
    public var clientNumber: String?
    public var lineNumber: String?
    public var employee: String?
    public var at: String?
    public var durationSeconds: Int?
    public var recordingURL: String?

    public init(eventID: String? = nil, callID: String? = nil, type: String? = nil, direction: String? = nil,
                clientNumber: String? = nil, lineNumber: String? = nil, employee: String? = nil, at: String? = nil,
                durationSeconds: Int? = nil, recordingURL: String? = nil) {
        self.eventID = eventID
        self.callID = callID
        self.type = type
        self.direction = direction
        self.clientNumber = clientNumber
        self.lineNumber = lineNumber
        self.employee = employee
        self.at = at
        self.durationSeconds = durationSeconds
        self.recordingURL = recordingURL
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, direction, employee, at
        case eventID = "event_id", callID = "call_id", clientNumber = "client_number", lineNumber = "line_number"
        case durationSeconds = "duration_seconds", recordingURL = "recording_url"
    }

    /// The event, checked: each mistake names its field.
    func checked(now: Date) throws -> CallEvent {
        var v = Validator()
        let eventID = v.requireText(eventID, field: "event_id", maxLength: 200)
        let callID = v.requireText(callID, field: "call_id", maxLength: 200)
        var kind = CallEvent.Kind.ringing
        if let type { if let parsed = CallEvent.Kind(rawValue: type) { kind = parsed } else {
            v.add("type", "invalid", "type must be one of \(CallEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        } } else { v.add("type", "required", "type is required") }
        var way = Interaction.Direction.incoming
        if let direction {
            if let parsed = Interaction.Direction(rawValue: direction) { way = parsed } else {
                v.add("direction", "invalid", "direction must be incoming or outgoing")
            }
        }
        let number = v.requireText(clientNumber, field: "client_number", maxLength: 50)
        if !number.isEmpty, Phone.normalize(number) == nil {
            v.add("client_number", "invalid", "client_number is not a phone number")
        }
        let line = v.optionalText(lineNumber, field: "line_number", maxLength: 50)
        let who = v.optionalText(employee, field: "employee", maxLength: 200)
        var moment = now
        if let at {
            if let parsed = ISO8601.parse(at) { moment = parsed } else {
                v.add("at", "invalid", "at must be a date and time such as 2026-11-30T09:15:00Z")
            }
        }
        if let seconds = durationSeconds, !(0...172_800).contains(seconds) {
            v.add("duration_seconds", "out_of_range", "duration_seconds must be between 0 and 172800")
        }
        let recording = v.optionalText(recordingURL, field: "recording_url", maxLength: 2000)
        if let recording, !(recording.hasPrefix("https://") || recording.hasPrefix("http://")) {
            v.add("recording_url", "invalid", "recording_url must be an http or https address")
        }
        try v.throwIfInvalid()
        return CallEvent(eventID: eventID, callID: callID, kind: kind, direction: way, clientNumber: number, lineNumber: line,
                         employee: who, at: moment, durationSeconds: durationSeconds, recordingURL: recording)
    }
}
