import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// A request from a messenger is answered in its chat (P8, "replies on the request's
/// channel"): the lead webhook integration brings the chat's messages in and, with its
/// outgoing connector (an HTTP call configured like the SMS gateway, here a real local
/// receiver), takes the manager's replies out; the conversation is on the lead's timeline.
@Suite struct MessengerRepliesTests {
    static func post(_ client: any TestClientProtocol, _ json: String, to hook: Integration) async throws
        -> (status: HTTPResponse.Status, headers: HTTPFields, body: String)
    {
        try await client.api(.post, "/api/v1/inbound/\(hook.id)/leads", token: nil, json: json,
                             headers: [TelephonyAPITests.signature: "sha256=" + TelephonyService.sign(Data(json.utf8), secret: hook.secret)])
    }

    @Test(arguments: TestDatabase.kinds)
    func a_messenger_lead_is_answered_in_its_chat(kind: DatabaseKind) async throws {
        try await LocalHTTPReceiver.with { connector in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                _ = try await KitchenPipelines(env: harness.services.env).install(.en)
                // WhatsApp: its requests come in signed; its replies go out as a JSON POST.
                let made = try await client.api(.post, "/api/v1/integrations", token: token, json: #"""
                    {"kind": "lead_webhook", "name": "WhatsApp", "source": "whatsapp",
                     "messenger": {"url": "\#(connector.baseURL)/send", "body_template": "{\"chat\": \"{{to}}\", \"text\": \"{{text}}\"}",
                                   "provider_id_field": "message.id"}}
                    """#)
                #expect(made.status == .created, "\(made.body)")
                #expect((jsonValue(made.body, "messenger") as? [String: Any])?["url"] as? String == connector.baseURL + "/send")
                let hook = try await harness.services.integrations.get(Int64(try #require(jsonValue(made.body, "id") as? Int)), by: admin)

                // Two messages of one chat, with no phone or e-mail: one lead, both on its timeline.
                let chat = "79165551234@c.us"
                let first = try await Self.post(client, #"{"external_id": "wa-1", "chat_id": "\#(chat)", "name": "Ирина", "message": "Сколько стоит угловая кухня?"}"#, to: hook)
                #expect(first.status == .created, "\(first.body)")
                let leadID = Int64(try #require(jsonValue(first.body, "link_id") as? Int))
                let second = try await Self.post(client, #"{"external_id": "wa-2", "chat_id": "\#(chat)", "message": "И со столешницей из камня"}"#, to: hook)
                #expect(jsonValue(second.body, "link_id") as? Int == Int(leadID))
                #expect(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items.count == 1)

                // "Reply" opens the compose page on the messenger, to that chat.
                let session = try await signIn(client, email: "admin@test.example")
                let card = try await send(client, .get, "/leads/\(leadID)", headers: sessionHeaders(session))
                #expect(card.body.contains("id=\"message-write-messenger\""))
                let compose = try await send(client, .get, "/messages/new?link_entity=lead&link_id=\(leadID)", headers: sessionHeaders(session))
                #expect(compose.body.contains("name=\"channel\" value=\"messenger\"") && compose.body.contains("value=\"\(chat)\""))

                // The reply: queued, the connector down once (500), then taken with its id.
                let reply = try await client.api(.post, "/api/v1/messages", token: token, json: """
                    {"channel": "messenger", "link_entity": "lead", "link_id": \(leadID), "text": "Здравствуйте, Ирина! Угловая кухня — от 180 000 ₽. Когда удобно созвониться?"}
                    """)
                #expect(reply.status == .created, "\(reply.body)")
                #expect(jsonValue(reply.body, "recipient") as? String == chat && jsonValue(reply.body, "state") as? String == "queued")
                let replyID = Int64(try #require(jsonValue(reply.body, "id") as? Int))
                let outbox = harness.services.outbox
                connector.answer(.internalServerError, body: "busy")
                #expect(try await outbox.deliverDue() == 1)
                harness.clock.advance(by: 31)
                connector.answer(.ok, body: #"{"message": {"id": "wamid.77"}}"#)
                #expect(try await outbox.deliverDue() == 1)
                let sent = try await outbox.messages(of: .init(entity: "lead", id: leadID), by: admin).first { $0.id == replyID }
                #expect(sent?.state == .sent && sent?.providerID == "wamid.77" && sent?.attempts == 2)
                #expect(connector.received.count == 2)
                let request = try #require(connector.received.last)
                let body = try #require(jsonObject(String(decoding: request.body, as: UTF8.self)))
                #expect(body["chat"] as? String == chat && (body["text"] as? String)?.hasPrefix("Здравствуйте, Ирина!") == true)

                // The conversation on the timeline: two messages in, the reply out.
                let talk = try await harness.services.interactions.list(.init(record: .init(entity: "lead", id: leadID)), page: .init(), by: admin).items
                #expect(talk.filter { $0.kind == .messenger }.count == 3)
                #expect(talk.contains { $0.direction == .outgoing && ($0.details ?? "").contains("от 180 000 ₽") && $0.subject == "WhatsApp" })
                #expect(talk.filter { $0.direction == .incoming }.count == 2)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func replies_without_a_chat_or_a_connector_are_refused_naming_the_field(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            func fields(_ json: String) async throws -> [String] {
                try problem(try await client.api(.post, "/api/v1/messages", token: token, json: json)).errors?.map(\.field) ?? []
            }
            // A lead that never wrote by a messenger.
            var input = LeadInput()
            input.phones = ["+7 916 555-00-01"]
            let quiet = try await harness.services.leads.create(input, by: admin)
            #expect(try await fields(#"{"channel": "messenger", "link_entity": "lead", "link_id": \#(quiet.id), "text": "Hi"}"#) == ["to"])
            // Telegram brings requests in but has no outgoing connector: a reply is refused, not lost in the outbox.
            let telegram = try await harness.services.integrations.create(.init(kind: "lead_webhook", name: "Telegram"), by: admin)
            let came = try await Self.post(client, #"{"external_id": "tg-1", "chat_id": "tg-555", "message": "Hello"}"#, to: telegram)
            let leadID = try #require(jsonValue(came.body, "link_id") as? Int)
            #expect(try await fields(#"{"channel": "messenger", "link_entity": "lead", "link_id": \#(leadID), "text": "Hi"}"#) == ["channel"])
            // Nor does "Reply" lead into that chat.
            let session = try await signIn(client, email: "admin@test.example")
            let reply = try await send(client, .get, "/messages/new?link_entity=lead&link_id=\(leadID)", headers: sessionHeaders(session))
            #expect(reply.status == .ok && !reply.body.contains("name=\"channel\" value=\"messenger\""))
            // The connector set on /admin/delivery: a bad address is named in that form, a good one saved.
            let delivery = try await send(client, .get, "/admin/delivery", headers: sessionHeaders(session))
            #expect(delivery.body.contains("id=\"messenger-\(telegram.id)\"") && delivery.body.contains("replies not set up"))
            let csrf = try #require(csrfField(in: delivery.body))
            let form = "_csrf=\(csrf)&method=POST&content_type=json&body_template=%7B%22chat_id%22%3A%22%7B%7Bto%7D%7D%22%2C%22text%22%3A%22%7B%7Btext%7D%7D%22%7D"
            let refused = try await send(client, .post, "/admin/delivery/messenger/\(telegram.id)", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                         body: form + "&url=telegram")
            #expect(refused.status == .unprocessableContent && refused.body.contains("value=\"telegram\""))
            #expect(try await harness.services.integrations.get(telegram.id, by: admin).settings.messenger == nil)
            let saved = try await send(client, .post, "/admin/delivery/messenger/\(telegram.id)", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                       body: form + "&url=https%3A%2F%2Fapi.telegram.example%2Fsend")
            #expect(saved.status == .seeOther || saved.status == .found)
            let connector = try #require(try await harness.services.integrations.get(telegram.id, by: admin).settings.messenger)
            #expect(connector.url == "https://api.telegram.example/send" && connector.bodyTemplate == #"{"chat_id":"{{to}}","text":"{{text}}"}"#)
            // With a connector: a chat that is not the lead's, a file, HTML, a text too long.
            #expect(try await fields(#"{"channel": "messenger", "link_entity": "lead", "link_id": \#(leadID), "to": "tg-999", "text": "Hi"}"#) == ["to"])
            #expect(try await fields(#"{"channel": "messenger", "link_entity": "lead", "link_id": \#(leadID), "text": "Hi", "html": "<b>Hi</b>"}"#) == ["html"])
            #expect(try await fields(#"{"channel": "messenger", "link_entity": "lead", "link_id": \#(leadID), "text": "Hi", "attachment_ids": [1]}"#)
                .contains("attachment_ids"))
            let long = String(repeating: "я", count: 4001)
            #expect(try await fields(#"{"channel": "messenger", "link_entity": "lead", "link_id": \#(leadID), "text": "\#(long)"}"#) == ["text"])
            #expect(try await harness.services.outbox.messages(of: .init(entity: "lead", id: Int64(leadID)), by: admin).isEmpty)
            // Connector settings: only on a lead webhook, with an http(s) address and known placeholders.
            let pbx = try await harness.services.integrations.create(.init(kind: "telephony", name: "PBX"), by: admin)
            let misplaced = try await client.api(.patch, "/api/v1/integrations/\(pbx.id)", token: token,
                                                 json: #"{"messenger": {"url": "https://x.example"}}"#)
            #expect(try problem(misplaced).errors?.map { "\($0.field):\($0.code)" } == ["messenger:not_allowed"])
            let bad = try await client.api(.patch, "/api/v1/integrations/\(telegram.id)", token: token,
                                           json: #"{"messenger": {"url": "ftp://x", "body_template": "chat={{chat}}"}}"#)
            #expect(try problem(bad).errors?.map { "\($0.field):\($0.code)" } == ["messenger.url:invalid", "messenger.body_template:unknown_field"])
            // A request with no way at all to answer is still refused.
            let nowhere = try await Self.post(client, #"{"external_id": "tg-2", "message": "?"}"#, to: telegram)
            #expect(try problem(nowhere).errors?.map(\.field) == ["phone"])
        }
    }
}
