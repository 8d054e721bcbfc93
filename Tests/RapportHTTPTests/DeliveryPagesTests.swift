import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The pages of e-mail: the SMTP settings (a bad host named, the password kept when left
/// empty, a test message answered with the server's words) and the SMS gateway's; writing an
/// e-mail from a lead's card from a template with the lead's file, a draft without a subject
/// refused with what was typed kept.
@Suite(.serialized) struct DeliveryPagesTests {
    @Test(arguments: TestDatabase.kinds)
    func settings_and_an_e_mail_written_on_the_pages(kind: DatabaseKind) async throws {
        try await LocalSMTPServer.with(mode: .tls, user: "sales", password: "pw-9") { server in
            try await TestApp.with(kind) { harness, client in
                let admin = try await harness.admin()
                let session = try await signIn(client, email: "admin@test.example")
                let page = try await send(client, .get, "/admin/delivery", headers: sessionHeaders(session))
                #expect(page.status == .ok && page.body.contains("id=\"smtp-host\"") && page.body.contains("id=\"sms-url\""))
                #expect(!page.body.contains("id=\"smtp-test\""))  // nothing to test before the settings exist
                let csrf = try #require(csrfField(in: page.body))
                func post(_ path: String, _ fields: [(String, String)]) async throws -> HTTPAnswer {
                    try await send(client, .post, path, headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                   body: formEncode([("_csrf", csrf)] + fields))
                }
                let smtp: [(String, String)] = [("security", "tls"), ("port", String(server.port)), ("username", "sales"),
                                                ("from_address", "sales@kitchen.example"), ("from_name", "Кухни Мастер")]
                let bad = try await post("/admin/delivery/smtp", [("host", "bad host"), ("password", "pw-9")] + smtp)
                #expect(bad.status == .unprocessableContent && bad.body.contains(/field-invalid">\s*<label for="smtp-host"/))
                #expect(bad.body.contains("value=\"sales@kitchen.example\"") && !bad.body.contains("pw-9"))
                #expect(try await post("/admin/delivery/smtp", [("host", "127.0.0.1"), ("password", "pw-9")] + smtp).status == .found)
                // Saved again with the password left empty: it is kept.
                #expect(try await post("/admin/delivery/smtp", [("host", "127.0.0.1"), ("password", "")] + smtp).status == .found)
                let tested = try await post("/admin/delivery/smtp/test", [("to", "boss@kitchen.example")])
                #expect(tested.status == .ok && tested.body.contains("id=\"smtp-test-outcome\"") && tested.body.contains("250 "), "\(tested.body)")
                #expect(try await server.waitFor(1).first?.to == ["boss@kitchen.example"])

                // The SMS gateway's form.
                let sms = try await post("/admin/delivery/sms", [("url", "https://sms.example/send"), ("method", "POST"), ("content_type", "json"),
                                                                 ("body_template", #"{"to": "{{to}}", "text": "{{text}}"}"#),
                                                                 ("report_id_field", "id"), ("report_status_field", "status"),
                                                                 ("delivered_values", "delivered, DELIVRD"), ("failed_values", "failed")])
                #expect(sms.status == .found)
                let gateway = try #require(try await harness.services.integrations.list(by: admin).first { $0.kind == .smsGateway })
                #expect(gateway.settings.sms?.deliveredValues == ["delivered", "DELIVRD"])
                let badSMS = try await post("/admin/delivery/sms", [("url", "ftp://x"), ("body_template", "{{texxt}}"), ("report_id_field", "id"),
                                                                    ("report_status_field", "status")])
                #expect(badSMS.status == .unprocessableContent && badSMS.body.contains(/field-invalid">\s*<label for="sms-url"/))

                // An e-mail from the lead's card: the template's subject, the lead's file, the client's address.
                _ = try await KitchenPipelines(env: harness.services.env).install(.en)
                let template = try await harness.services.templates.create(
                    TemplateInput(kind: "email", code: "proposal", name: "Proposal", recordKind: "lead", locale: "en",
                                  subject: "Your kitchen, {{client.first_name}}", text: "{{client.salutation}}\nThe proposal is attached."),
                    by: admin)
                var input = LeadInput()
                (input.firstName, input.emails) = ("Irina", ["irina@example.com"])
                let lead = try await harness.services.leads.create(input, by: admin)
                let file = try await harness.services.attachments.add(to: .lead, lead.id, fileName: "proposal.pdf", contentType: "application/pdf",
                                                                      bytes: Data("%PDF-1.4".utf8), by: admin)
                let card = try await send(client, .get, "/leads/\(lead.id)", headers: sessionHeaders(session))
                #expect(card.body.contains("id=\"message-write-email\""))
                let compose = try await send(client, .get, "/messages/new?link_entity=lead&link_id=\(lead.id)&channel=email&template_id=\(template.id)",
                                             headers: sessionHeaders(session))
                #expect(compose.status == .ok && compose.body.contains("value=\"Your kitchen, Irina\"") && compose.body.contains("value=\"irina@example.com\""))
                #expect(compose.body.contains("id=\"compose-file-\(file.id)\""))
                let fields: [(String, String)] = [("channel", "email"), ("link_entity", "lead"), ("link_id", String(lead.id)),
                                                  ("template_id", String(template.id)), ("to", ""), ("text", "Dear Irina,\nHere it is.")]
                let refused = try await post("/messages", fields + [("subject", " ")])
                #expect(refused.status == .unprocessableContent && refused.body.contains(/field-invalid">\s*<label for="compose-subject"/))
                #expect(refused.body.contains("Here it is."))
                let sent = try await post("/messages", fields + [("subject", "Your kitchen"), ("file_\(file.id)", "1")])
                #expect(sent.status == .found && sent.headers[.location] == "/leads/\(lead.id)#record-messages")
                let queued = try #require(try await harness.services.outbox.messages(of: .init(entity: "lead", id: lead.id), by: admin).first)
                #expect(queued.recipient == "irina@example.com" && queued.attachmentIDs == [file.id] && queued.body == "Dear Irina,\nHere it is.")
                #expect(queued.html == nil)  // the text was changed: the template's HTML would not match it
                #expect(try await harness.services.outbox.deliverDue() == 1)
                let received = try await server.waitFor(2)
                #expect(received.count == 2 && received[1].data?.contains("filename*=UTF-8''proposal.pdf") == true)
            }
        }
    }
}
