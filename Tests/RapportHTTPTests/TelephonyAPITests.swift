import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The telephony webhook: signed events, each handled once, in any order. Seed 002's start:
/// a missed call from an unknown number becomes a lead with a responsible chosen by the
/// routing rules and a call-back task; an answered call makes the answering employee the
/// responsible; each call ends as an interaction with its recording.
@Suite struct TelephonyAPITests {
    static let signature = HTTPField.Name("X-Rapport-Signature")!

    /// Posts an event signed with `secret` (or with the signature given).
    static func event(_ client: any TestClientProtocol, _ integration: Int64, secret: String, _ json: String,
                      signature: String? = nil) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
        let signed = signature ?? "sha256=" + TelephonyService.sign(Data(json.utf8), secret: secret)
        return try await client.api(.post, "/api/v1/telephony/\(integration)/events", token: nil, json: json,
                                    headers: [Self.signature: signed])
    }

    static func json(_ id: String, call: String, _ type: String, number: String = "8 (916) 555-12-34", extra: String = "") -> String {
        #"{"event_id": "\#(id)", "call_id": "\#(call)", "type": "\#(type)", "client_number": "\#(number)", "line_number": "+7 495 100-20-30"\#(extra)}"#
    }

    @Test(arguments: TestDatabase.kinds)
    func a_missed_call_becomes_a_lead_with_its_call_back_and_an_answered_one_goes_to_who_took_it(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            let sales = try await harness.department("Sales")
            let anna = try await harness.makeUser("anna@x.example", role: .salesManager, department: sales.id, first: "Anna", last: "Fox")
            let boris = try await harness.makeUser("boris@x.example", role: .salesManager, department: sales.id, first: "Boris", last: "Cat")
            _ = try await harness.services.routing.create(RoutingRuleInput(name: "Calls", pool: .init(userIDs: [anna.id, boris.id])),
                                                          by: admin)
            let made = try await client.api(.post, "/api/v1/integrations", token: token,
                                            json: #"{"kind": "telephony", "name": "PBX", "source": "phone"}"#)
            #expect(made.status == .created)
            let id = try #require(jsonValue(made.body, "id") as? Int).int64
            let secret = try #require(jsonValue(made.body, "secret") as? String)
            #expect(jsonValue(made.body, "events_url") as? String == "/api/v1/telephony/\(id)/events")
            #expect(jsonValue(try await client.api(.get, "/api/v1/integrations/\(id)", token: token).body, "secret") == nil)

            // A missed call from an unknown number.
            #expect(try await Self.event(client, id, secret: secret, Self.json("e1", call: "c1", "ringing")).status == .ok)
            let missed = try await Self.event(client, id, secret: secret, Self.json("e2", call: "c1", "missed"))
            #expect(missed.status == .ok)
            #expect(jsonValue(missed.body, "outcome") as? String == "recorded")
            let callObject = try #require(jsonObject(missed.body)?["call"] as? [String: Any])
            #expect(callObject["state"] as? String == "missed" && callObject["link_entity"] as? String == "lead")
            let leadID = try #require(callObject["link_id"] as? Int).int64
            let lead = try await harness.services.leads.get(leadID, by: admin).record
            #expect(lead.ownerID == anna.id && lead.source == "phone" && lead.phones == ["8 (916) 555-12-34"])
            // Its call-back is the first stage's task, for Anna, due within working time.
            let taskID = try #require(callObject["task_id"] as? Int).int64
            let task = try await harness.services.tasks.get(taskID, by: admin).task
            #expect(task.ownerID == anna.id && task.link == WorkTask.Link(entity: "lead", id: leadID))
            #expect(task.title.contains("8 (916) 555-12-34"))
            // The same event again changes nothing.
            let again = try await Self.event(client, id, secret: secret, Self.json("e2", call: "c1", "missed"))
            #expect(jsonValue(again.body, "outcome") as? String == "duplicate")
            #expect(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items.count == 1)

            // The client calls again and Boris answers — told finished before answered.
            let finished = try await Self.event(client, id, secret: secret, Self.json(
                "e3", call: "c2", "finished", number: "+79165551234",
                extra: #", "employee": "boris@x.example", "duration_seconds": 125, "recording_url": "https://pbx.example/rec/c2.mp3""#))
            #expect(finished.status == .ok)
            let after = try #require(jsonObject(finished.body)?["call"] as? [String: Any])
            #expect(after["state"] as? String == "finished" && after["answered_by"] as? Int == Int(boris.id))
            #expect(after["link_id"] as? Int == Int(leadID))
            #expect(try await harness.services.leads.get(leadID, by: admin).record.ownerID == boris.id)
            let late = try await Self.event(client, id, secret: secret, Self.json("e4", call: "c2", "answered", number: "+79165551234",
                                                                                   extra: #", "employee": "anna@x.example""#))
            #expect(jsonValue(late.body, "outcome") as? String == "recorded")
            #expect(try await harness.services.leads.get(leadID, by: admin).record.ownerID == boris.id)
            // Boris is told; both calls are on the lead's timeline, the second with its recording.
            let told = try await harness.services.notifications.list(page: .init(), by: try await harness.principal(boris)).items
            #expect(told.contains { $0.kind == "call" && $0.link == "/leads/\(leadID)" })
            let timeline = try await harness.services.interactions.list(.init(record: .init(entity: "lead", id: leadID)), page: .init(),
                                                                           by: admin).items
            #expect(timeline.count == 2)
            let talk = try #require(timeline.first { $0.direction == .incoming && $0.state == .done })
            #expect(talk.durationMinutes == 3 && talk.details?.contains("https://pbx.example/rec/c2.mp3") == true)
            #expect(timeline.contains { $0.state == .notDone && $0.subject == "Missed call" })

            // A known client's missed call goes to the client and its responsible; no lead is made.
            let client2 = try await harness.services.contacts.create(
                ContactInput(firstName: "Мария", lastName: "Орлова", channels: [ContactChannel(kind: .phone, value: "+7 903 111-22-33")],
                             ownerID: boris.id), by: admin).contact
            let known = try await Self.event(client, id, secret: secret, Self.json("e5", call: "c3", "missed", number: "8 903 111 22 33"))
            let knownCall = try #require(jsonObject(known.body)?["call"] as? [String: Any])
            #expect(knownCall["link_entity"] as? String == "contact" && knownCall["link_id"] as? Int == Int(client2.id))
            let callBack = try await harness.services.tasks.get(try #require(knownCall["task_id"] as? Int).int64, by: admin).task
            #expect(callBack.ownerID == boris.id && callBack.title == "Call back: Орлова Мария, 8 903 111 22 33")
            #expect(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items.count == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func unsigned_or_bad_events_are_refused_and_store_nothing(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            let made = try await harness.services.integrations.create(.init(kind: "telephony", name: "PBX"), by: admin)
            let good = Self.json("e1", call: "c1", "missed")
            // No signature, a wrong one, another integration's secret, a disabled integration.
            #expect(try await client.api(.post, "/api/v1/telephony/\(made.id)/events", token: nil, json: good).status == .unauthorized)
            #expect(try await Self.event(client, made.id, secret: "wrong", good).status == .unauthorized)
            #expect(try await Self.event(client, made.id + 1, secret: made.secret, good).status == .unauthorized)
            #expect(try await Self.event(client, made.id, secret: made.secret, good, signature: "sha256=00").status == .unauthorized)
            // A token is no signature.
            #expect(try await client.api(.post, "/api/v1/telephony/\(made.id)/events", token: token, json: good).status == .unauthorized)

            // Signed but wrong: each field named.
            func fields(_ json: String) async throws -> [String] {
                let answer = try await Self.event(client, made.id, secret: made.secret, json)
                #expect(answer.status == .unprocessableContent)
                return try problem(answer).errors?.map(\.field) ?? []
            }
            #expect(try await fields(Self.json("e2", call: "c2", "missed", number: "not a number")) == ["client_number"])
            #expect(try await fields(Self.json("e3", call: "c3", "exploded")) == ["type"])
            #expect(try await fields(Self.json("e4", call: "c4", "missed", extra: #", "colour": "red""#)) == ["colour"])
            #expect(try await fields(#"{"call_id": "c5", "type": "missed", "client_number": "+79161234567"}"#) == ["event_id"])
            #expect(try await fields(Self.json("e6", call: "c6", "finished", extra: #", "recording_url": "javascript:alert(1)""#))
                == ["recording_url"])
            // Nothing was stored by any of them; a replaced secret stops the old one.
            let calls = try await harness.services.env.database.read { db in
                try await CallStore().list(link: nil, before: nil, limit: 10, on: db)
            }
            #expect(calls.isEmpty)
            let replaced = try await harness.services.integrations.replaceSecret(made.id, expectedVersion: nil, by: admin)
            #expect(try await Self.event(client, made.id, secret: made.secret, good).status == .unauthorized)
            #expect(try await Self.event(client, made.id, secret: replaced.secret, Self.json("e8", call: "c8", "ringing")).status == .ok)
            _ = try await harness.services.integrations.update(made.id, .init(active: false), expectedVersion: nil, by: admin)
            #expect(try await Self.event(client, made.id, secret: replaced.secret, Self.json("e9", call: "c9", "ringing")).status
                == .unauthorized)
        }
    }
}

private extension Int {
    var int64: Int64 { Int64(self) }
}
