import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct InteractionsAPITests {
    @Test(arguments: TestDatabase.kinds)
    func interactions_are_logged_planned_followed_up_and_listed_over_the_api(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            let company = try await harness.services.companies.create(.init(shortName: "Кухни Люкс"),
                                                                     by: try await harness.admin("other-admin@test.example"))
            let now = ISO8601.string(harness.clock.now())
            // MUT: create
            let created = try await client.api(.post, "/api/v1/interactions", token: token, json: """
                {"kind": "call", "subject": "Кухня", "start_at": "\(now)", "duration_minutes": 5, "direction": "incoming",
                 "channel": "+7 916 000-11-22", "type": "sale", "link_entity": "company", "link_id": \(company.id),
                 "participants": [{"kind": "text", "name": "Анна Смирнова"}]}
                """)
            #expect(created.status == .created)
            let id = try #require(jsonValue(created.body, "id") as? Int)
            #expect(created.headers[.location] == "/api/v1/interactions/\(id)")
            #expect(jsonValue(created.body, "thread_id") as? Int == id && jsonValue(created.body, "type") as? String == "sale")
            // bad input names the field; an unknown field is refused
            let bad = try await client.api(.post, "/api/v1/interactions", token: token,
                                           json: #"{"kind": "fax", "subject": "x", "sheep": 1}"#)
            #expect(bad.status == .unprocessableContent && bad.body.contains("sheep"))
            let noKind = try await client.api(.post, "/api/v1/interactions", token: token, json: #"{"subject": "x"}"#)
            #expect(noKind.status == .unprocessableContent && noKind.body.contains("\"kind\""))
            // change with If-Match; stale is 412
            let patched = try await client.api(.patch, "/api/v1/interactions/\(id)", token: token,
                                               json: #"{"result": "Ждёт КП", "state": "done"}"#, headers: [.ifMatch: "\"1\""])
            #expect(patched.status == .ok && jsonValue(patched.body, "result") as? String == "Ждёт КП")
            let stale = try await client.api(.patch, "/api/v1/interactions/\(id)", token: token, json: #"{"subject": "y"}"#,
                                             headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            // a follow-up in the same chain; the card lists the chain
            let follow = try await client.api(.post, "/api/v1/interactions/\(id)/follow-ups", token: token,
                                              json: #"{"kind": "meeting", "subject": "Показ в салоне"}"#)
            #expect(follow.status == .created && jsonValue(follow.body, "status") as? String == "planned")
            #expect(jsonValue(follow.body, "thread_id") as? Int == id && jsonValue(follow.body, "parent_id") as? Int == id)
            let card = try await client.api(.get, "/api/v1/interactions/\(id)", token: token)
            #expect(card.status == .ok && (jsonValue(card.body, "chain") as? [Any])?.count == 2)
            // the queue and the client's timeline
            let queue = try await client.api(.get, "/api/v1/interactions?pending=true", token: token)
            #expect(queue.body.contains("Показ в салоне") && !queue.body.contains("\"Кухня\""))
            let timeline = try await client.api(.get, "/api/v1/interactions?view=all&link_entity=company&link_id=\(company.id)",
                                                token: token)
            #expect((jsonValue(timeline.body, "data") as? [Any])?.count == 2)
            #expect(try await client.api(.get, "/api/v1/interactions?view=ours", token: token).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/interactions?kind=fax", token: token).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/interactions?link_entity=company", token: token).status
                == .unprocessableContent)
            let summary = try await client.api(.get, "/api/v1/interactions/summary", token: token)
            #expect(jsonValue(summary.body, "overdue") as? Int == 0)
            // the heard name becomes a contact; the Location is the new contact
            let made = try await client.api(.post, "/api/v1/interactions/\(id)/participants/0/contact", token: token, json: "{}")
            #expect(made.status == .created && made.headers[.location]?.hasPrefix("/api/v1/contacts/") == true)
            let again = try await client.api(.post, "/api/v1/interactions/\(id)/participants/0/contact", token: token, json: "{}")
            #expect(again.status == .unprocessableContent && again.body.contains("not_text"))
            let missing = try await client.api(.post, "/api/v1/interactions/\(id)/participants/x/link", token: token,
                                               json: #"{"entity": "contact", "id": 1}"#)
            #expect(missing.status == .notFound)
            // removed
            let gone = try await client.api(.delete, "/api/v1/interactions/\(id)", token: token)
            #expect(gone.status == .noContent)
            #expect(try await client.api(.get, "/api/v1/interactions/\(id)", token: token).status == .notFound)
        }
    }
}
