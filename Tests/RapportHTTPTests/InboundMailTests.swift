import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Incoming e-mail: a new sender becomes a lead (source "e-mail") answered once by the
/// "request received" template; the client's reply to our proposal lands on the lead by its
/// thread; the same message twice is taken once; a machine's message and a loop between two
/// auto-answering systems get no answer; a malformed message is refused with the reason; a
/// 30 MB file over the limit is not kept but said so, the message kept; the JSON form too.
@Suite(.serialized) struct InboundMailTests {
    static func raw(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") }

    static func post(_ client: any TestClientProtocol, _ token: String, _ message: String) async throws -> HTTPAnswer {
        try await send(client, .post, "/api/v1/inbound/email", headers: [.authorization: "Bearer \(token)", .contentType: "message/rfc822"],
                       body: raw(message))
    }

    static func setUp(_ harness: TestHarness, _ admin: Principal) async throws {
        _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
        _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
        _ = try await harness.services.templates.create(
            TemplateInput(kind: "email", code: "request_received", name: "Заявка получена", recordKind: "lead", locale: "ru",
                          subject: "Мы получили вашу заявку — {{company.name}}", text: "{{client.salutation}}\nСпасибо!"), by: admin)
    }

    @Test(arguments: TestDatabase.kinds)
    func a_new_request_a_reply_in_the_thread_and_no_loops(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            try await Self.setUp(harness, admin)
            // A new sender: a lead from e-mail, answered once.
            let first = try await Self.post(client, token, """
                From: =?UTF-8?B?0JjRgNC40L3QsCDQn9C10YLRgNC+0LLQsA==?= <Irina@Example.ru>
                To: sales@kitchen.example
                Subject: =?UTF-8?Q?=D0=9A=D1=83=D1=85=D0=BD=D1=8F_=D0=BD=D0=B0_=D0=B7=D0=B0=D0=BA=D0=B0=D0=B7?=
                Message-ID: <req.1@example.ru>
                Content-Type: text/plain; charset=utf-8

                Здравствуйте! Хочу кухню 3 метра.
                """)
            #expect(first.status == .created, "\(first.body)")
            #expect(jsonValue(first.body, "new_lead") as? Bool == true && jsonValue(first.body, "link_entity") as? String == "lead")
            let leadID = Int64(try #require(jsonValue(first.body, "link_id") as? Int))
            let lead = try await harness.services.leads.get(leadID, by: admin).record
            #expect(lead.title == "Кухня на заказ" && lead.source == "e-mail" && lead.emails == ["irina@example.ru"])
            #expect(lead.firstName == "Ирина" && lead.lastName == "Петрова")
            let reply = try #require(jsonValue(first.body, "auto_reply_id") as? Int)
            let answered = try await harness.services.outbox.message(Int64(reply), by: admin)
            #expect(answered.recipient == "irina@example.ru" && answered.autoReply && answered.inReplyTo == "req.1@example.ru")
            #expect(answered.subject == "Мы получили вашу заявку — Кухни Мастер")
            let interactions = try await harness.services.interactions.list(.init(record: .init(entity: "lead", id: leadID)), page: .init(), by: admin).items
            #expect(interactions.contains { $0.kind == .email && $0.direction == .incoming && ($0.details ?? "").contains("Хочу кухню 3 метра") })

            // Answering from the card: in her thread, "Re:" her subject, to her address.
            let session = try await signIn(client, email: "admin@test.example")
            let compose = try await send(client, .get, "/messages/new?link_entity=lead&link_id=\(leadID)&channel=email", headers: sessionHeaders(session))
            #expect(compose.body.contains("name=\"in_reply_to\" value=\"req.1@example.ru\"") && compose.body.contains("value=\"Re: Кухня на заказ\""))
            let csrf = try #require(csrfField(in: compose.body))
            let answeredByHand = try await send(client, .post, "/messages", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                                body: formEncode([("_csrf", csrf), ("channel", "email"), ("link_entity", "lead"),
                                                                  ("link_id", String(leadID)), ("to", "irina@example.ru"),
                                                                  ("subject", "Re: Кухня на заказ"), ("text", "Ирина, перезвоню в 18:00."),
                                                                  ("in_reply_to", "req.1@example.ru")]))
            #expect(answeredByHand.status == .found)
            let byHand = try #require(try await harness.services.outbox.messages(of: .init(entity: "lead", id: leadID), by: admin).first { !$0.autoReply })
            #expect(byHand.inReplyTo == "req.1@example.ru" && byHand.recipient == "irina@example.ru")

            // The same message again: taken once.
            let again = try await Self.post(client, token, """
                From: Irina@Example.ru
                Message-ID: <req.1@example.ru>
                Subject: x

                again
                """)
            #expect(again.status == .ok && jsonValue(again.body, "outcome") as? String == "duplicate")

            // Her answer to our auto-reply threads to the lead; no second auto-reply.
            let threaded = try await Self.post(client, token, """
                From: irina@example.ru
                Subject: Re: Мы получили вашу заявку
                Message-ID: <req.2@example.ru>
                In-Reply-To: <\(answered.messageID ?? "none@x")>
                References: <req.1@example.ru>

                Жду звонка после 18:00.
                """)
            #expect(jsonValue(threaded.body, "link_id") as? Int == Int(leadID) && jsonValue(threaded.body, "new_lead") as? Bool == false)
            #expect(jsonValue(threaded.body, "auto_reply_id") is NSNull)

            // Another system's auto-answer is never answered: two auto-repliers cannot loop.
            let robot = try await Self.post(client, token, """
                From: robot@other.example
                Subject: Automatic reply: your message
                Auto-Submitted: auto-replied
                Message-ID: <bot.1@other.example>

                I am out of office.
                """)
            #expect(robot.status == .created && jsonValue(robot.body, "auto_reply_id") is NSNull)
            // A person whose first message was answered today is not answered again for a new thread.
            let secondThread = try await Self.post(client, token, """
                From: irina@example.ru
                Subject: Ещё вопрос
                Message-ID: <req.3@example.ru>

                И ещё — столешница?
                """)
            #expect(jsonValue(secondThread.body, "auto_reply_id") is NSNull)
            let autoReplies = try await harness.services.outbox.messages(of: .init(entity: "lead", id: leadID), by: admin).filter(\.autoReply)
            #expect(autoReplies.count == 1)

            // Not a message: refused with the reason, nothing recorded.
            let bad = try await send(client, .post, "/api/v1/inbound/email", headers: [.authorization: "Bearer \(token)", .contentType: "message/rfc822"],
                                     body: "hello, this is not an e-mail")
            #expect(bad.status == .unprocessableContent && bad.body.contains("the message has no headers or no From"))
            let noAuth = try await send(client, .post, "/api/v1/inbound/email", headers: [.contentType: "message/rfc822"], body: "From: a@b.c\r\n\r\nx")
            #expect(noAuth.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_30_mb_file_is_not_kept_but_said_so_and_files_under_the_limit_are(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            try await Self.setUp(harness, admin)
            let big = Data(repeating: 0x41, count: 30 << 20).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn])
            let message = """
                From: client@example.com
                Subject: Plans
                Message-ID: <big.1@example.com>
                Content-Type: multipart/mixed; boundary=b

                --b
                Content-Type: text/plain

                Plans attached.
                --b
                Content-Type: application/pdf
                Content-Disposition: attachment; filename=plan.pdf
                Content-Transfer-Encoding: base64

                JVBERi0xLjQK
                --b
                Content-Type: application/zip
                Content-Disposition: attachment; filename=photos.zip
                Content-Transfer-Encoding: base64

                \(big)
                --b--
                """
            let answer = try await Self.post(client, token, message)
            #expect(answer.status == .created, "\(answer.body.prefix(300))")
            #expect(jsonValue(answer.body, "files") as? Int == 1)
            let skipped = try #require(jsonValue(answer.body, "skipped") as? [String])
            #expect(skipped.count == 1 && skipped[0].contains("photos.zip") && skipped[0].contains("30.0"))
            let leadID = Int64(try #require(jsonValue(answer.body, "link_id") as? Int))
            #expect(try await harness.services.attachments.list(of: .lead, leadID, by: admin).map(\.fileName) == ["plan.pdf"])
            let interaction = try #require(try await harness.services.interactions.list(.init(record: .init(entity: "lead", id: leadID)), page: .init(),
                                                                                         by: admin).items.first)
            #expect((interaction.details ?? "").contains("photos.zip"))

            // The JSON form (a mail provider's webhook), its files in base64; a bad one named.
            let json = try await client.api(.post, "/api/v1/inbound/email", token: token, json: """
                {"from": "Oleg@Example.com", "from_name": "Олег Смирнов", "subject": "Кухня", "text": "Нужна кухня",
                 "message_id": "<json.1@example.com>", "attachments": [{"file_name": "room.jpg", "content_type": "image/jpeg", "content_base64": "/9j/4AAQ"}]}
                """)
            #expect(json.status == .created && jsonValue(json.body, "files") as? Int == 1, "\(json.body)")
            let badJSON = try await client.api(.post, "/api/v1/inbound/email", token: token, json: #"{"subject": "no sender"}"#)
            #expect(try problem(badJSON).errors?.map(\.field) == ["from"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func replies_go_out_on_the_request_s_channel(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            try await Self.setUp(harness, admin)
            var bySMS = LeadInput()
            (bySMS.title, bySMS.source, bySMS.phones, bySMS.emails) = ("По SMS", "sms", ["+7 916 555-00-11"], ["x@example.ru"])
            var byMail = LeadInput()
            (byMail.title, byMail.source, byMail.phones, byMail.emails) = ("По почте", "e-mail", ["+7 916 555-00-12"], ["y@example.ru"])
            var phoneOnly = LeadInput()
            (phoneOnly.title, phoneOnly.source, phoneOnly.phones) = ("Звонок", "phone", ["+7 916 555-00-13"])
            let session = try await signIn(client, email: "admin@test.example")
            for (input, channel) in [(bySMS, "sms"), (byMail, "email"), (phoneOnly, "sms")] {
                let lead = try await harness.services.leads.create(input, by: admin)
                let card = try await send(client, .get, "/leads/\(lead.id)", headers: sessionHeaders(session))
                #expect(card.body.contains("id=\"message-reply\""))
                let reply = try await send(client, .get, "/messages/new?link_entity=lead&link_id=\(lead.id)", headers: sessionHeaders(session))
                #expect(reply.body.contains("name=\"channel\" value=\"\(channel)\""), "\(input.title ?? "")")
            }
        }
    }

    @Test func the_mail_server_pipe() async throws {
        // `rapport mail ingest` is run by the e2e tests against a real binary; here its service on stdin-like bytes.
        try await TestApp.with(.sqlite) { harness, _ in
            let admin = try await harness.admin()
            try await Self.setUp(harness, admin)
            let service = InboundMailService(env: harness.services.env)
            let outcome = try await service.receive(raw: Data(Self.raw("From: pipe@example.com\nSubject: Via pipe\n\nHello\n").utf8))
            #expect(outcome.newLead && outcome.link.entity == "lead")
            await #expect(throws: RapportError.self) { try await service.receive(raw: Data("garbage".utf8)) }
        }
    }
}
