import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The client's SMS about a measurement goes out through an HTTP gateway (a real local server
/// here) set up as the company's provider wants it: a gateway answering 500 is tried again
/// later and the SMS goes once; a refused one fails with the reason and can be resent; the
/// gateway's delivery report marks it delivered; each step is on the lead's history.
@Suite struct SMSDeliveryTests {
    @Test(arguments: TestDatabase.kinds)
    func the_visit_sms_goes_through_the_gateway_once_despite_a_failure(kind: DatabaseKind) async throws {
        try await LocalHTTPReceiver.with { gateway in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
                _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
                let measurer = try await harness.makeUser("m@x.example", role: .fieldTechnician, first: "Павел", last: "Замеров")
                _ = try await harness.services.users.update(measurer.id, UserInput(phone: "+7 903 300-20-01", skills: ["замер"]),
                                                            expectedVersion: nil, by: admin)
                let kind = try await harness.services.visits.createKind(name: "Замер", skill: "замер", minutes: 180, by: admin)
                var input = LeadInput()
                input.phones = ["8 (916) 555-12-34"]
                let lead = try await harness.services.leads.create(input, by: admin)

                // The gateway: a form-encoded GET like many Russian providers, its id in `sms_id`.
                let made = try await client.api(.post, "/api/v1/integrations", token: token, json: """
                    {"kind": "sms_gateway", "name": "SMS", "sms": {"url": "\(gateway.baseURL)/send", "method": "GET", "content_type": "form",
                     "body_template": "phone={{to}}&msg={{text}}&from={{sender}}", "sender": "KuhniMaster",
                     "provider_id_field": "sms_id", "report_id_field": "sms_id", "delivered_values": ["DELIVRD"], "failed_values": ["UNDELIV"]}}
                    """)
                #expect(made.status == .created, "\(made.body)")
                let gatewayID = try #require(jsonValue(made.body, "id") as? Int)
                let secret = try #require(jsonValue(made.body, "secret") as? String)

                // Booked for tomorrow morning: confirmed at once, the SMS queued.
                _ = try await harness.services.visits.book(
                    VisitInput(kindID: kind.id, technicianID: measurer.id, start: "2026-11-19T09:00:00Z", linkEntity: "lead", linkID: lead.id,
                               address: "Москва, ул. Садовая, 5"), by: admin)
                let outbox = harness.services.outbox

                // The gateway is down: the SMS waits, tried again after 30 s.
                gateway.answer(.internalServerError, body: "maintenance")
                #expect(try await outbox.deliverDue() == 1)
                var messages = try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin)
                #expect(messages.count == 1 && messages[0].state == .queued && messages[0].attempts == 1)
                #expect(messages[0].lastError?.contains("answered 500") == true)
                #expect(try await outbox.deliverDue() == 0)  // not yet
                harness.clock.advance(by: 31)
                gateway.answer(.ok, body: #"{"status": "OK", "sms_id": "A-77"}"#)
                #expect(try await outbox.deliverDue() == 1)
                messages = try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin)
                #expect(messages[0].state == .sent && messages[0].providerID == "A-77" && messages[0].attempts == 2)
                let sent = try #require(gateway.received.last)
                #expect(gateway.received.count == 2 && sent.method == "GET")
                #expect(sent.path == "/send")
                harness.clock.advance(by: 3600)
                #expect(try await outbox.deliverDue() == 0)  // once

                // The gateway's report: delivered. A wrong token is refused; a repeat changes nothing.
                func report(_ query: String) async throws -> HTTPResponse.Status {
                    try await client.api(.post, "/api/v1/sms/\(gatewayID)/reports?\(query)", token: nil).status
                }
                #expect(try await report("token=wrong&sms_id=A-77&status=DELIVRD") == .unauthorized)
                #expect(try await report("token=\(secret)&sms_id=A-77&status=ENROUTE") == .ok)
                #expect(try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin)[0].state == .sent)
                #expect(try await report("token=\(secret)&sms_id=A-77&status=DELIVRD") == .ok)
                #expect(try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin)[0].state == .delivered)
                #expect(try await report("token=\(secret)&sms_id=NOPE&status=DELIVRD") == .notFound)
                let history = try await harness.services.leads.history(lead.id, page: .init(), by: admin).items
                #expect(history.contains { $0.changes.contains { $0.field == "message" && ($0.new ?? "").contains("delivered") } })
                #expect(history.contains { $0.changes.contains { $0.field == "message" && ($0.new ?? "").contains(": sent") } })

                // A gateway that refuses the number: failed with its words at once; sent again on request.
                let second = try await harness.services.visits.book(
                    VisitInput(kindID: kind.id, technicianID: measurer.id, start: "2026-11-19T14:00:00Z", linkEntity: "lead",
                               linkID: lead.id, address: "Москва"), by: admin)
                #expect(try await harness.services.visits.confirm(second.id, expectedVersion: nil, by: admin).state == .confirmed)
                gateway.answer(.badRequest, body: "invalid phone")
                #expect(try await outbox.deliverDue() == 1)
                let failed = try #require(try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin).first)
                #expect(failed.state == .failed && failed.lastError?.contains("invalid phone") == true)
                // On the lead's card: the messages, the refusal's words and "Send again".
                let session = try await signIn(client, email: "admin@test.example")
                let card = try await send(client, .get, "/leads/\(lead.id)", headers: sessionHeaders(session))
                #expect(card.body.contains("id=\"message-resend-\(failed.id)\"") && card.body.contains("invalid phone"))
                #expect(card.body.contains("badge-message-delivered"))
                let resent = try await client.api(.post, "/api/v1/messages/\(failed.id)/resend", token: token)
                #expect(resent.status == .ok && jsonValue(resent.body, "state") as? String == "queued")
                #expect(try await client.api(.post, "/api/v1/messages/\(failed.id)/resend", token: token).status == .conflict)
                gateway.answer(.ok, body: #"{"sms_id": "A-78"}"#)
                #expect(try await outbox.deliverDue() == 1)
                let listed = try await client.api(.get, "/api/v1/messages?link_entity=lead&link_id=\(lead.id)", token: token)
                #expect((jsonObject(listed.body)?["data"] as? [[String: Any]])?.map { $0["state"] as? String } == ["sent", "delivered"])

                // Bad gateway settings are named.
                let bad = try await client.api(.post, "/api/v1/integrations", token: token, json: """
                    {"kind": "sms_gateway", "name": "Bad", "sms": {"url": "ftp://x", "body_template": "to={{to}}&t={{texxt}}"}}
                    """)
                #expect(try problem(bad).errors?.map { "\($0.field):\($0.code)" } == ["sms.url:invalid", "sms.body_template:unknown_field"])
                let none = try await client.api(.post, "/api/v1/integrations", token: token, json: #"{"kind": "sms_gateway", "name": "None"}"#)
                #expect(try problem(none).errors?.map { "\($0.field):\($0.code)" } == ["sms:required"])

                // A client with no phone: no SMS can go, so the responsible gets a task to tell them.
                var noPhone = LeadInput()
                noPhone.emails = ["irina@example.ru"]
                let quiet = try await harness.services.leads.create(noPhone, by: admin)
                let booked = try await harness.services.visits.book(
                    VisitInput(kindID: kind.id, technicianID: measurer.id, start: "2026-11-20T09:00:00Z", linkEntity: "lead",
                               linkID: quiet.id, address: "Москва, ул. Лесная, 5"), by: admin)
                // Two days ahead: confirmed with the client first, then the SMS would go.
                #expect(booked.state == .booked)
                #expect(try await harness.services.visits.confirm(booked.id, expectedVersion: nil, by: admin).state == .confirmed)
                #expect(try await outbox.messages(of: .init(entity: "lead", id: quiet.id), by: admin).isEmpty)
                let tasks = try await client.api(.get, "/api/v1/tasks?view=all&open=true&link_entity=lead&link_id=\(quiet.id)", token: token)
                let tell = try #require((jsonValue(tasks.body, "data") as? [[String: Any]])?
                    .first { ($0["title"] as? String)?.hasPrefix("Сообщить клиенту о визите: замер") == true })
                #expect((tell["title"] as? String)?.hasSuffix("нет телефона для SMS") == true)
                #expect(tell["owner_id"] as? Int == Int(quiet.ownerID) && tell["priority"] as? String == "high")
            }
        }
    }
}
