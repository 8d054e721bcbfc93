import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Outgoing webhooks: a subscription to lead events gets each one as signed JSON through the
/// outbox (a receiver answering 500 gets it again later, the same delivery id); other kinds
/// and switched-off subscriptions get nothing; bad subscriptions are named; deliveries logged.
@Suite struct WebhooksTests {
    @Test(arguments: TestDatabase.kinds)
    func lead_events_reach_the_subscriber_signed_and_retried(kind: DatabaseKind) async throws {
        try await LocalHTTPReceiver.with { receiver in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                _ = try await KitchenPipelines(env: harness.services.env).install(.en)
                let made = try await client.api(.post, "/api/v1/webhooks", token: token, json: """
                    {"name": "ERP", "url": "\(receiver.baseURL)/hooks", "events": ["LEAD.Created", "lead.created"]}
                    """)
                #expect(made.status == .created, "\(made.body)")
                let hookID = try #require(jsonValue(made.body, "id") as? Int)
                let secret = try #require(jsonValue(made.body, "secret") as? String)
                #expect(jsonValue(made.body, "events") as? [String] == ["lead.created"])

                var input = LeadInput()
                input.title = "Corner kitchen"
                input.phones = ["+7 916 555-12-34"]
                let lead = try await harness.services.leads.create(input, by: admin)
                // A contact is not subscribed to: nothing queued for it.
                _ = try await harness.services.contacts.create(ContactInput(firstName: "Anna"), by: admin)

                receiver.answer(.internalServerError)
                #expect(try await harness.services.outbox.deliverDue() == 1)
                harness.clock.advance(by: 31)
                receiver.answer(.ok)
                #expect(try await harness.services.outbox.deliverDue() == 1)
                #expect(receiver.received.count == 2)
                let first = receiver.received[0], second = receiver.received[1]
                #expect(first.body == second.body && second.path == "/hooks")
                #expect(second.headers[HTTPField.Name("X-Rapport-Signature")!] == "sha256=" + TelephonyService.sign(second.body, secret: secret))
                let payload = try #require(try JSONSerialization.jsonObject(with: second.body) as? [String: Any])
                #expect(payload["event"] as? String == "lead.created" && payload["entity_id"] as? Int == Int(lead.id))
                #expect((payload["id"] as? String)?.hasPrefix("wh_") == true)
                #expect((payload["changes"] as? [[String: Any]])?.contains { $0["field"] as? String == "title" && $0["new"] as? String == "Corner kitchen" } == true)

                // Changes are not what it asked for; switched off, new leads are not sent either.
                var renamed = LeadInput()
                renamed.title = "Corner kitchen, oak"
                _ = try await harness.services.leads.update(lead.id, renamed, expectedVersion: nil, by: admin)
                _ = try await client.api(.patch, "/api/v1/webhooks/\(hookID)", token: token, json: #"{"active": false}"#)
                _ = try await harness.services.leads.create(input, by: admin)
                #expect(try await harness.services.outbox.deliverDue() == 0)
                let log = try await client.api(.get, "/api/v1/webhooks/\(hookID)", token: token)
                let deliveries = try #require(jsonObject(log.body)?["deliveries"] as? [[String: Any]])
                #expect(deliveries.count == 1 && deliveries[0]["state"] as? String == "sent" && deliveries[0]["attempts"] as? Int == 2)

                // Bad subscriptions are named.
                let bad = try await client.api(.post, "/api/v1/webhooks", token: token,
                                               json: #"{"url": "mailto:x", "events": ["lead.created", "ship.sunk", "deal.moved"]}"#)
                #expect(try problem(bad).errors?.map { "\($0.field):\($0.code)" } == ["url:invalid", "events[1]:invalid", "events[2]:invalid"])
                let none = try await client.api(.post, "/api/v1/webhooks", token: token, json: #"{"url": "https://x.example"}"#)
                #expect(try problem(none).errors?.map { "\($0.field):\($0.code)" } == ["events:required"])
                let manager = try await harness.makeUser("m@x.example", role: .salesManager)
                #expect(try await client.api(.get, "/api/v1/webhooks", token: try await apiToken(harness, for: manager)).status == .forbidden)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func subscriptions_are_made_and_switched_on_the_page(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            let session = try await signIn(client, email: "admin@test.example")
            let page = try await send(client, .get, "/admin/webhooks", headers: sessionHeaders(session))
            #expect(page.status == .ok && page.body.contains("id=\"event-lead-created\""))
            let csrf = try #require(csrfField(in: page.body))
            func post(_ path: String, _ fields: [(String, String)]) async throws -> HTTPAnswer {
                try await send(client, .post, path, headers: formHeaders(cookies: [(sessionCookieName, session)]),
                               body: formEncode([("_csrf", csrf)] + fields))
            }
            let refused = try await post("/admin/webhooks", [("name", "ERP"), ("url", "ftp://erp"), ("event_lead.created", "1")])
            #expect(refused.status == .unprocessableContent && refused.body.contains("value=\"ftp://erp\""))
            #expect(refused.body.contains("id=\"event-lead-created\" checked"))
            let made = try await post("/admin/webhooks", [("name", "ERP"), ("url", "https://erp.example/hook"), ("event_lead.created", "1"),
                                                          ("event_deal.updated", "1")])
            #expect(made.status == .ok && made.body.contains("id=\"webhook-secret\""))
            let hook = try #require(try await harness.services.webhooks.list(by: admin).first)
            #expect(hook.events == ["deal.updated", "lead.created"] && made.body.contains(hook.secret))
            let off = try await post("/admin/webhooks/\(hook.id)/active", [("version", "\(hook.version)"), ("active", "0")])
            #expect(off.status == .found)
            #expect(try await harness.services.webhooks.list(by: admin).first?.active == false)
            let listed = try await send(client, .get, "/admin/webhooks", headers: sessionHeaders(session))
            #expect(!listed.body.contains(hook.secret) && listed.body.contains("id=\"webhook-toggle-\(hook.id)\""))
        }
    }
}
