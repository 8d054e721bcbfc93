import Foundation
import RapportDomain
import RapportStore

/// The call events `rapport demo calls` sends to a running server, as the company's PBX would:
/// incoming calls that are missed (from new numbers and from clients already known) or answered
/// by a sales manager and finished with a duration and a recording, and outgoing calls. Each
/// call is its events in order, every event a signed JSON body for the telephony webhook.
public struct DemoCallStream: Sendable {
    /// One call: its id and its events' bodies, in the order the PBX sends them.
    public struct Call: Sendable {
        public var id: String
        public var kind: Kind
        public var events: [Data]
    }

    public enum Kind: String, Sendable, CaseIterable {
        case missedNew = "missed, new number"
        case missedKnown = "missed, known client"
        case answered = "answered"
        case outgoing = "outgoing"
    }

    /// Where the events go and how they are signed.
    public var integrationID: Int64
    public var secret: String
    public var calls: [Call]

    /// Plans `count` calls from the database's first active telephony integration, its sales
    /// managers and its clients' phones. `seed` makes the stream repeatable.
    public static func plan(count: Int, seed: UInt64, env: ServiceEnvironment) async throws -> DemoCallStream {
        let (integration, managers, known) = try await env.database.read { db in
            (try await IntegrationStore().list(on: db).first { $0.kind == .telephony && $0.active },
             try await UserStore().active(roleKey: BuiltInRole.salesManager.rawValue, on: db),
             try await ChannelStore().phones(limit: 500, on: db))
        }
        guard let integration else {
            throw RapportError.conflict("no active telephony integration: run `rapport demo` first or add one under Distribution")
        }
        var rng = DemoClients.Generator(state: seed)
        let line = "+7 495 100-20-30"
        let run = String(seed, radix: 36)
        var calls: [Call] = []
        for n in 0..<count {
            let id = "demo-\(run)-\(n + 1)"
            var kind = Kind.allCases.randomElement(using: &rng)!
            if kind == .missedKnown, known.isEmpty { kind = .missedNew }
            if kind == .answered || kind == .outgoing, managers.isEmpty { kind = .missedNew }
            let number = kind == .missedKnown || kind == .outgoing ? known.randomElement(using: &rng)!
                : "+7 9\(Int.random(in: 10...99, using: &rng)) \(Int.random(in: 100...999, using: &rng))-\(Int.random(in: 10...99, using: &rng))-\(Int.random(in: 10...99, using: &rng))"
            let employee = managers.randomElement(using: &rng)?.email
            let seconds = Int.random(in: 25...540, using: &rng)
            let recording = "https://pbx.example/records/\(id).mp3"
            var events: [[String: Any]] = [["type": "ringing"]]
            switch kind {
            case .missedNew, .missedKnown:
                events += [["type": "missed"], ["type": "finished", "duration_seconds": 0]]
            case .answered, .outgoing:
                events += [["type": "answered", "employee": employee!],
                           ["type": "finished", "employee": employee!, "duration_seconds": seconds, "recording_url": recording]]
            }
            let bodies = try events.enumerated().map { index, fields -> Data in
                var event = fields
                event["event_id"] = "\(id)-\(index + 1)"
                event["call_id"] = id
                event["client_number"] = number
                event["line_number"] = line
                event["direction"] = kind == .outgoing ? "outgoing" : "incoming"
                return try JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
            }
            calls.append(Call(id: id, kind: kind, events: bodies))
        }
        return DemoCallStream(integrationID: integration.id, secret: integration.secret, calls: calls)
    }
}
