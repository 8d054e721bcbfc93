import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// E-mail from the card through the company's SMTP server (a real aiosmtpd started by each
/// test): the settings with a password never shown and "send a test message"; a proposal
/// e-mailed from a template with the record's file attached; a server down for an hour (the
/// messages wait, then each goes once); a server that drops the connection mid-message; and
/// the refusals of a bad draft, each naming its field.
@Suite(.serialized) struct MailDeliveryTests {
    static func smtpJSON(_ port: Int, security: String = "starttls", password: String = "pw-1") -> String {
        """
        {"kind": "smtp", "name": "Почта", "password": "\(password)",
         "smtp": {"host": "127.0.0.1", "port": \(port), "security": "\(security)", "username": \(password.isEmpty ? "null" : "\"sales\""),
                  "from_address": "Sales@Kitchen.example", "from_name": "Кухни Мастер", "verify_certificate": false}}
        """
    }

    /// A lead in the kitchen maker's pipeline.
    static func lead(_ harness: TestHarness, _ admin: Principal, title: String, emails: [String] = [], phones: [String] = [],
                     first: String? = nil, middle: String? = nil) async throws -> Lead {
        if try await harness.services.pipelines.list(.lead, by: admin).isEmpty {
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
        }
        var input = LeadInput()
        input.title = title
        input.emails = emails
        input.phones = phones
        input.firstName = first
        input.middleName = middle
        return try await harness.services.leads.create(input, by: admin)
    }

    @Test(arguments: TestDatabase.kinds)
    func settings_test_message_and_a_proposal_from_the_card(kind: DatabaseKind) async throws {
        try await LocalSMTPServer.with(mode: .starttls, user: "sales", password: "pw-1") { server in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                let made = try await client.api(.post, "/api/v1/integrations", token: token, json: Self.smtpJSON(server.port))
                #expect(made.status == .created, "\(made.body)")
                #expect(!made.body.contains("pw-1") && jsonValue(made.body, "password_set") as? Bool == true)
                let id = try #require(jsonValue(made.body, "id") as? Int)
                let shown = try await client.api(.get, "/api/v1/integrations/\(id)", token: token)
                #expect(!shown.body.contains("pw-1") && shown.body.contains("\"from_address\":\"sales@kitchen.example\""))

                // "Send a test message": the server's own words come back.
                let test = try await client.api(.post, "/api/v1/integrations/\(id)/test-message", token: token, json: #"{"to": "boss@kitchen.example"}"#)
                #expect(test.status == .ok && (jsonValue(test.body, "reply") as? String)?.hasPrefix("250") == true, "\(test.body)")
                let arrived = try #require(try await server.waitFor(1).first)
                #expect(arrived.to == ["boss@kitchen.example"] && arrived.tls && arrived.user == "sales")
                let badTo = try await client.api(.post, "/api/v1/integrations/\(id)/test-message", token: token, json: #"{"to": "nobody"}"#)
                #expect(try problem(badTo).errors?.map(\.field) == ["to"])

                // A wrong password: the test says so (502 with the server's words); the message is not lost.
                let wrong = try await client.api(.patch, "/api/v1/integrations/\(id)", token: token, json: #"{"password": "nope"}"#)
                #expect(wrong.status == .ok)
                let refused = try await client.api(.post, "/api/v1/integrations/\(id)/test-message", token: token, json: #"{"to": "boss@kitchen.example"}"#)
                #expect(refused.status == .badGateway && refused.body.contains("refused the user name or password: 535"), "\(refused.body)")
                #expect(try await client.api(.patch, "/api/v1/integrations/\(id)", token: token, json: #"{"password": "pw-1"}"#).status == .ok)

                // The proposal from its template with the lead's file, to the client's address.
                _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
                let template = try await harness.services.templates.create(
                    TemplateInput(kind: "email", code: "proposal", name: "КП", recordKind: "lead", locale: "ru",
                                  subject: "Коммерческое предложение: {{lead.title}}", html: "<p>{{client.salutation}}</p>",
                                  text: "{{client.salutation}}\nПредложение во вложении."), by: admin)
                let lead = try await Self.lead(harness, admin, title: "Кухня на Садовой", emails: ["irina@example.ru"], first: "Ирина",
                                               middle: "Петровна")
                let file = try await harness.services.attachments.add(to: .lead, lead.id, fileName: "КП-1.pdf", contentType: "application/pdf",
                                                                      bytes: Data("%PDF-1.4 test".utf8), by: admin)
                let queued = try await client.api(.post, "/api/v1/messages", token: token, json: """
                    {"channel": "email", "link_entity": "lead", "link_id": \(lead.id), "template_id": \(template.id), "attachment_ids": [\(file.id)]}
                    """)
                #expect(queued.status == .created, "\(queued.body)")
                #expect(jsonValue(queued.body, "recipient") as? String == "irina@example.ru")
                #expect(jsonValue(queued.body, "subject") as? String == "Коммерческое предложение: Кухня на Садовой")
                #expect(jsonValue(queued.body, "template_version_id") as? Int == Int(template.current.id))
                #expect(try await harness.services.outbox.deliverDue() == 1)
                let received = try await server.waitFor(2)
                let proposal = try #require(received.last?.data)
                #expect(received.last?.to == ["irina@example.ru"] && received.last?.from == "sales@kitchen.example")
                #expect(proposal.contains("filename*=UTF-8''%D0%9A%D0%9F-1.pdf"))
                #expect(proposal.contains("From: =?UTF-8?B?"))
                let listed = try await client.api(.get, "/api/v1/messages?link_entity=lead&link_id=\(lead.id)", token: token)
                let row = try #require((jsonObject(listed.body)?["data"] as? [[String: Any]])?.first)
                #expect(row["state"] as? String == "sent")
                #expect("<\(row["message_id"] as? String ?? "")>" == received.last?.messageID)
                let history = try await harness.services.leads.history(lead.id, page: .init(), by: admin).items
                #expect(history.contains { $0.changes.contains { $0.field == "message" && $0.new == "E-mail → irina@example.ru: sent" } })
                #expect(history.contains { $0.changes.contains { $0.field == "message" && $0.new == "E-mail → irina@example.ru: queued" } })
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_bad_draft_is_refused_naming_the_field(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            let lead = try await Self.lead(harness, admin, title: "Без почты", phones: ["+7 916 555-12-34"])
            let other = try await Self.lead(harness, admin, title: "Другой")
            let foreign = try await harness.services.attachments.add(to: .lead, other.id, fileName: "x.txt", contentType: "text/plain",
                                                                     bytes: Data("x".utf8), by: admin)
            func fields(_ json: String) async throws -> [String] {
                let answer = try await client.api(.post, "/api/v1/messages", token: token, json: json)
                #expect(answer.status == .unprocessableContent, "\(answer.body)")
                return try problem(answer).errors?.map(\.field) ?? []
            }
            let on = "\"link_entity\": \"lead\", \"link_id\": \(lead.id)"
            // The client has no e-mail: the refusal names `to`.
            let noEmail = try await client.api(.post, "/api/v1/messages", token: token, json: "{\"channel\": \"email\", \(on), \"subject\": \"Hi\", \"text\": \"Hello\"}")
            #expect(try problem(noEmail).errors?.first?.message == "the client has no e-mail address: give one in to")
            #expect(try await fields("{\"channel\": \"fax\", \(on), \"text\": \"x\"}") == ["channel"])
            #expect(try await fields("{\"channel\": \"email\", \(on), \"to\": \"a@b.example\", \"text\": \"x\"}") == ["subject"])
            #expect(try await fields("{\"channel\": \"email\", \(on), \"to\": \"not an address\", \"subject\": \"s\", \"text\": \"x\"}") == ["to"])
            #expect(try await fields("{\"channel\": \"email\", \(on), \"to\": \"a@b.example\", \"subject\": \"s\"}") == ["text"])
            #expect(try await fields("{\"channel\": \"email\", \(on), \"to\": \"a@b.example\", \"subject\": \"s\", \"text\": \"x\", \"template_id\": 999}") == ["template_id"])
            #expect(try await fields("{\"channel\": \"email\", \(on), \"to\": \"a@b.example\", \"subject\": \"s\", \"text\": \"x\", \"attachment_ids\": [\(foreign.id)]}") == ["attachment_ids"])
            #expect(try await fields("{\"channel\": \"sms\", \(on), \"text\": \"x\", \"html\": \"<b>x</b>\"}") == ["html"])
            #expect(try await fields("{\"channel\": \"sms\", \(on), \"text\": \"\(String(repeating: "я", count: 1001))\"}") == ["text"])
            #expect(try await fields("{\"channel\": \"email\", \"link_entity\": \"lead\", \"text\": \"x\"}") == ["link_id"])
            let missing = try await client.api(.post, "/api/v1/messages", token: token, json: "{\"channel\": \"sms\", \"link_entity\": \"lead\", \"link_id\": 99999, \"text\": \"x\"}")
            #expect(missing.status == .notFound)
            // Nothing was queued by any of them; an SMS to the lead's phone is.
            #expect(try await harness.services.outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin).isEmpty)
            let sms = try await client.api(.post, "/api/v1/messages", token: token, json: "{\"channel\": \"sms\", \(on), \"text\": \"Перезвоним\"}")
            #expect(sms.status == .created && jsonValue(sms.body, "recipient") as? String == "+79165551234")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_server_down_for_an_hour_then_each_message_goes_once(kind: DatabaseKind) async throws {
        let port = try await LocalSMTPServer.freePort()
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            #expect(try await client.api(.post, "/api/v1/integrations", token: token,
                                         json: Self.smtpJSON(port, security: "none", password: "")).status == .created)
            let lead = try await Self.lead(harness, admin, title: "Ждёт", emails: ["wait@example.ru"])
            for n in 1...3 {
                _ = try await harness.services.messages.send(.init(channel: "email", linkEntity: "lead", linkID: lead.id, subject: "Письмо \(n)",
                                                                   text: "Текст \(n)"), by: admin)
            }
            let outbox = harness.services.outbox
            // Nobody listens for an hour: every try fails, the pauses grow, nothing is given up.
            var tries = 0
            for _ in 0..<60 {
                tries += try await outbox.deliverDue()
                harness.clock.advance(by: 60)
            }
            let waiting = try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin)
            #expect(waiting.allSatisfy { $0.state == .queued && ($0.lastError ?? "").contains("could not be reached") })
            #expect(tries == 3 * 7, "30 s, then 1, 2, 4, 8, 16 and 32 minutes: seven tries each within the hour")
            // The server comes back: each goes, once.
            try await LocalSMTPServer.with(port: port) { server in
                harness.clock.advance(by: 3600)
                #expect(try await outbox.deliverDue() == 3)
                harness.clock.advance(by: 7200)
                #expect(try await outbox.deliverDue() == 0)
                let received = try await server.waitFor(3)
                #expect(received.count == 3 && Set(received.map(\.messageID)).count == 3)
            }
            #expect(try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin).allSatisfy { $0.state == .sent })
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_connection_dropped_mid_message_is_tried_again(kind: DatabaseKind) async throws {
        try await LocalSMTPServer.with(dropFirst: 1) { server in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                #expect(try await client.api(.post, "/api/v1/integrations", token: token,
                                             json: Self.smtpJSON(server.port, security: "none", password: "")).status == .created)
                let lead = try await Self.lead(harness, admin, title: "Обрыв", emails: ["drop@example.ru"])
                for n in 1...2 {
                    _ = try await harness.services.messages.send(.init(channel: "email", linkEntity: "lead", linkID: lead.id, subject: "№\(n)",
                                                                       text: "Текст"), by: admin)
                }
                let outbox = harness.services.outbox
                #expect(try await outbox.deliverDue() == 2)
                var messages = try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin)
                // The one on the connection that dropped waits; the other went.
                #expect(messages.map(\.state).sorted { $0.rawValue < $1.rawValue } == [.queued, .sent])
                let dropped = try #require(messages.first { $0.state == .queued })
                #expect(dropped.lastError == "the SMTP server closed the connection during the message")
                let droppedID = try #require(dropped.messageID)
                harness.clock.advance(by: 31)
                #expect(try await outbox.deliverDue() == 1)
                messages = try await outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin)
                #expect(messages.map(\.state) == [.sent, .sent])
                #expect(messages.first { $0.id == dropped.id }?.messageID == droppedID)
                #expect(Set(try await server.waitFor(2).map(\.messageID)) == Set(messages.compactMap { $0.messageID.map { "<\($0)>" } }))
            }
        }
    }
}
