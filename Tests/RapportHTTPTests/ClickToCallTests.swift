import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Click-to-call: the card's "Call" asks the PBX (a real local HTTP server here) to connect the
/// manager and the client, signed with the integration's secret; the call is recorded at once
/// as an outgoing call about the record, and the PBX's events for it end as an interaction on
/// that card. A PBX that fails, refuses or is missing is said plainly and nothing is recorded.
@Suite struct ClickToCallTests {
    @Test(arguments: TestDatabase.kinds)
    func the_pbx_is_asked_signed_and_the_call_lands_on_the_card(kind: DatabaseKind) async throws {
        try await LocalHTTPReceiver.with { pbx in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, adminToken) = try await adminWithToken(harness)
                _ = try await KitchenPipelines(env: harness.services.env).install(.en)
                let anna = try await harness.makeUser("anna@x.example", role: .salesManager, first: "Anna", last: "Fox")
                _ = try await harness.services.users.update(anna.id, UserInput(phone: "+7 903 100-00-01"), expectedVersion: nil, by: admin)
                let other = try await harness.makeUser("other@x.example", role: .salesManager, first: "Oleg", last: "Other")
                var input = LeadInput()
                input.title = "Corner kitchen"
                input.phones = ["8 (916) 555-12-34"]
                input.ownerID = anna.id
                let lead = try await harness.services.leads.create(input, by: admin)
                var hidden = input
                hidden.ownerID = other.id
                let othersLead = try await harness.services.leads.create(hidden, by: admin)
                let token = try await apiToken(harness, for: anna)
                let dial = #"{"number": "8 (916) 555-12-34", "link_entity": "lead", "link_id": \#(lead.id)}"#

                // No PBX takes click-to-call yet: said so, nothing sent.
                let none = try await client.api(.post, "/api/v1/calls/dial", token: token, json: dial)
                #expect(none.status == .conflict && none.body.contains("click-to-call"))
                let made = try await client.api(.post, "/api/v1/integrations", token: adminToken, json: """
                    {"kind": "telephony", "name": "PBX", "click_to_call_url": "\(pbx.baseURL)/dial"}
                    """)
                let pbxID = try #require(jsonValue(made.body, "id") as? Int)
                let secret = try #require(jsonValue(made.body, "secret") as? String)

                // Dialled: the PBX gets one signed request naming the client's number, Anna and the lead.
                pbx.answer(.ok, body: #"{"call_id": "pbx-77"}"#)
                let answer = try await client.api(.post, "/api/v1/calls/dial", token: token, json: dial)
                #expect(answer.status == .accepted, "\(answer.body)")
                #expect(jsonValue(answer.body, "call_id") as? String == "pbx-77")
                #expect(jsonValue(answer.body, "direction") as? String == "outgoing")
                #expect(jsonValue(answer.body, "state") as? String == "ringing")
                let sent = try #require(pbx.received.last)
                #expect(pbx.received.count == 1 && sent.method == "POST" && sent.path == "/dial")
                #expect(sent.headers[HTTPField.Name("X-Rapport-Signature")!] == "sha256=" + TelephonyService.sign(sent.body, secret: secret))
                let request = try #require(try JSONSerialization.jsonObject(with: sent.body) as? [String: Any])
                #expect(request["client_number"] as? String == "+79165551234")
                let employee = try #require(request["employee"] as? [String: Any])
                #expect(employee["email"] as? String == "anna@x.example" && employee["phone"] as? String == "+79031000001")
                #expect((request["link"] as? [String: Any])?["id"] as? Int == Int(lead.id))

                // The PBX tells how it went: answered, then finished with a recording — an outgoing
                // call on the lead, Anna still responsible, no new lead for the number.
                let leadsBefore = try await Self.leadCount(harness)
                for (event, json) in [("o1", #", "direction": "outgoing", "employee": "anna@x.example""#),
                                      ("o2", #", "direction": "outgoing", "duration_seconds": 95, "recording_url": "https://pbx.example/r/77.mp3""#)] {
                    let type = event == "o1" ? "answered" : "finished"
                    let told = try await TelephonyAPITests.event(client, Int64(pbxID), secret: secret,
                                                                 TelephonyAPITests.json(event, call: "pbx-77", type, extra: json))
                    #expect(told.status == .ok, "\(told.body)")
                }
                #expect(try await Self.leadCount(harness) == leadsBefore)
                #expect(try await harness.services.leads.get(lead.id, by: admin).record.ownerID == anna.id)
                let logged = try await harness.services.interactions.list(
                    InteractionStore.Query(record: .init(entity: "lead", id: lead.id)), page: .init(), by: admin).items
                let outgoing = try #require(logged.first { $0.kind == .call })
                #expect(outgoing.direction == .outgoing && outgoing.ownerID == anna.id && outgoing.durationMinutes == 2)
                #expect(outgoing.details?.contains("https://pbx.example/r/77.mp3") == true)

                // Bad requests name the field; a record she may not read is not found; nothing is sent.
                let sentBefore = pbx.received.count
                let empty = try await client.api(.post, "/api/v1/calls/dial", token: token, json: #"{"number": " "}"#)
                #expect(try problem(empty).errors?.map(\.field) == ["number"])
                let letters = try await client.api(.post, "/api/v1/calls/dial", token: token, json: #"{"number": "call me"}"#)
                #expect(try problem(letters).errors?.map { "\($0.field):\($0.code)" } == ["number:invalid"])
                let foreign = try await client.api(.post, "/api/v1/calls/dial", token: token, json: """
                    {"number": "+7 916 555-12-34", "link_entity": "lead", "link_id": \(othersLead.id)}
                    """)
                #expect(try problem(foreign).errors?.map { "\($0.field):\($0.code)" } == ["link_id:not_found"])
                let unknown = try await client.api(.post, "/api/v1/calls/dial", token: token, json: #"{"number": "+7 916 555-12-34", "line": 1}"#)
                #expect(unknown.status == .unprocessableContent)
                #expect(pbx.received.count == sentBefore)

                // The PBX fails: 502 naming it, and no call is recorded.
                pbx.answer(.internalServerError, body: "busy")
                let failed = try await client.api(.post, "/api/v1/calls/dial", token: token, json: dial)
                #expect(failed.status == .badGateway && failed.body.contains("answered 500"))
                #expect(try await harness.services.env.database.read { db in
                    try await CallStore().list(link: .init(entity: "lead", id: lead.id), before: nil, limit: 10, on: db)
                }.count == 1)

                // On the card: the phone's "Call" button; pressing it when the PBX fails says so.
                let session = try await signIn(client, email: "anna@x.example")
                let card = try await send(client, .get, "/leads/\(lead.id)", headers: sessionHeaders(session))
                #expect(card.body.contains("class=\"btn btn-sm btn-primary record-dial\""))
                let csrf = try #require(csrfField(in: card.body))
                let pressed = try await send(client, .post, "/calls/dial", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                             body: formEncode([("_csrf", csrf), ("number", "8 (916) 555-12-34"), ("link_entity", "lead"),
                                                               ("link_id", "\(lead.id)")]))
                #expect(pressed.status == .found && pressed.headers[.location] == "/leads/\(lead.id)")
                #expect(setCookieValue("rapport_flash", in: pressed.headers) == "flash_dial_failed_refused")
                pbx.answer(.ok)
                let rang = try await send(client, .post, "/calls/dial", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                          body: formEncode([("_csrf", csrf), ("number", "8 (916) 555-12-34"), ("link_entity", "lead"),
                                                            ("link_id", "\(lead.id)")]))
                #expect(setCookieValue("rapport_flash", in: rang.headers) == "flash_dialing")
            }
        }
    }

    /// What the PBX tells is logged whoever's the client: a missed call from a client of a
    /// marketer (whose role logs no activities), an outgoing call by a manager about a client
    /// of another department (which the manager may not read).
    @Test(arguments: TestDatabase.kinds)
    func calls_are_logged_whatever_the_roles_of_the_people_involved(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            let marketer = try await harness.makeUser("m@x.example", role: .marketer, department: try await harness.department("Marketing").id)
            let anna = try await harness.makeUser("anna@x.example", role: .salesManager, department: try await harness.department("Sales").id)
            let company = try await harness.services.companies.create(
                CompanyInput(shortName: "Mebel Pro", channels: [ContactChannel(kind: .phone, value: "+7 903 111-22-33")], ownerID: marketer.id),
                by: admin)
            let pbx = try await harness.services.integrations.create(.init(kind: "telephony", name: "PBX"), by: admin)
            for (id, json) in [("k1", TelephonyAPITests.json("k1", call: "in-1", "missed", number: "+7 903 111-22-33")),
                               ("k2", TelephonyAPITests.json("k2", call: "out-1", "answered", number: "+7 903 111-22-33",
                                                             extra: #", "direction": "outgoing", "employee": "anna@x.example""#)),
                               ("k3", TelephonyAPITests.json("k3", call: "out-1", "finished", number: "+7 903 111-22-33",
                                                             extra: #", "direction": "outgoing", "employee": "anna@x.example", "duration_seconds": 60"#))] {
                let told = try await TelephonyAPITests.event(client, pbx.id, secret: pbx.secret, json)
                #expect(told.status == .ok, "\(id): \(told.body)")
            }
            let logged = try await harness.services.interactions.list(
                InteractionStore.Query(record: .init(entity: "company", id: company.id)), page: .init(), by: admin).items
            #expect(logged.filter { $0.kind == .call }.map(\.ownerID).sorted() == [marketer.id, anna.id].sorted())
        }
    }

    @Test func a_pbx_that_does_not_answer_in_time_is_reported() async throws {
        try await LocalHTTPReceiver.with { pbx in
            try await TestApp.with(.sqlite) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                _ = try await harness.services.integrations.create(.init(kind: "telephony", name: "Slow PBX",
                                                                         clickToCallURL: pbx.baseURL + "/dial"), by: admin)
                pbx.answer(.ok, delay: .seconds(7))
                let started = ContinuousClock.now
                let answer = try await client.api(.post, "/api/v1/calls/dial", token: token, json: #"{"number": "+7 916 555-12-34"}"#)
                #expect(answer.status == .badGateway && answer.body.contains("no answer in time"))
                #expect(ContinuousClock.now - started < .seconds(7))
            }
        }
    }

    static func leadCount(_ harness: TestHarness) async throws -> Int {
        try await harness.services.env.database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM leads").first()!.decode(column: "n", as: Int.self)
        }
    }
}
