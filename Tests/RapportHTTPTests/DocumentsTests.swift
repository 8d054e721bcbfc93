import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Documents from templates: the company's details (a wrong INN named) and stamp (a picture
/// that is not JPEG or PNG refused), an invoice of 500 lines as a paged PDF numbered per
/// template, read back with pdftotext; a stage that waits for the proposal to be sent by
/// e-mail — refused before, passed once the SMTP server took the e-mail with the PDF.
@Suite(.serialized) struct DocumentsTests {
    static let invoiceHTML = """
        <p align="right"><img src="company:logo" width="90"></p>
        <h1>Счёт на оплату № {{document.number}} от {{document.date}}</h1>
        <p>Поставщик: <b>{{company.full_name}}</b>, ИНН {{company.inn}}, КПП {{company.kpp}}<br>
        Банк: {{company.bank_name}}, БИК {{company.bik}}, р/с {{company.account}}</p>
        <p>Покупатель: {{client.name}}</p>
        <table border="1"><tr><th>№</th><th>Наименование</th><th>Кол-во</th><th>Цена</th><th>Сумма</th></tr>
        {{#line_items}}<tr><td>{{position}}</td><td>{{name}}</td><td align="right">{{quantity}} {{unit}}</td><td align="right">{{price}}</td><td align="right">{{total}}</td></tr>{{/line_items}}
        </table>
        <p align="right"><b>Итого: {{totals.total}}</b></p>
        <p>{{totals.total_in_words}}</p>
        <p>Руководитель {{company.director}} <img src="company:signature" height="30"> <img src="company:stamp" height="80"></p>
        """

    @Test(arguments: TestDatabase.kinds)
    func an_invoice_of_500_lines_with_the_company_s_details_and_stamp(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
            // The details: a wrong INN is named; the right ones kept.
            let wrong = try await client.api(.patch, "/api/v1/settings", token: token, json: #"{"requisites": {"inn": "7707083894"}}"#)
            #expect(try problem(wrong).errors?.map(\.field) == ["requisites.inn"])
            let saved = try await client.api(.patch, "/api/v1/settings", token: token, json: """
                {"requisites": {"full_name": "ООО «Кухни Мастер»", "inn": "7707083893", "kpp": "770701001", "director": "Иванов И. И.",
                 "bank_account": {"bank_name": "ПАО Сбербанк", "bik": "044525225", "account": "40702810938000000001",
                                  "correspondent_account": "30101810400000000225"}}}
                """)
            #expect(saved.status == .ok, "\(saved.body)")
            // The stamp: a PNG is kept, a GIF refused with the reason.
            let stamp = try await sendBytes(client, .put, "/api/v1/settings/pictures/stamp?name=stamp.png",
                                       headers: [.authorization: "Bearer \(token)", .contentType: "image/png"], body: DocumentTestTools.stamp())
            #expect(stamp.status == .ok)
            let gif = try await send(client, .put, "/api/v1/settings/pictures/logo?name=logo.gif",
                                     headers: [.authorization: "Bearer \(token)", .contentType: "image/gif"], body: "GIF89a;;;;;;")
            #expect(gif.status == .unprocessableContent && gif.body.contains("only JPEG and PNG pictures go into documents"))
            let shown = try await send(client, .get, "/api/v1/settings/pictures/stamp", headers: [.authorization: "Bearer \(token)"])
            #expect(shown.status == .ok && shown.headers[.contentType] == "image/png")

            let template = try await harness.services.templates.create(
                TemplateInput(kind: "document", code: "invoice", name: "Счёт на оплату", recordKind: "deal", locale: "ru",
                              subject: "Счёт на оплату № {{document.number}} от {{document.date}}", html: Self.invoiceHTML, text: ""), by: admin)
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            var input = DealInput()
            input.title = "Кухня Петровых"
            input.lineItems = (1...500).map { LineItemInput(name: "Фасад МДФ, позиция \($0)", quantity: "1", unit: "шт", price: "1250.50") }
            let deal = try await harness.services.deals.create(input, by: admin)
            let made = try await client.api(.post, "/api/v1/deals/\(deal.id)/documents", token: token, json: #"{"template_id": \#(template.id)}"#)
            #expect(made.status == .created, "\(made.body)")
            #expect(jsonValue(made.body, "number") as? Int == 1 && jsonValue(made.body, "code") as? String == "invoice")
            let title = try #require(jsonValue(made.body, "title") as? String)
            #expect(title.hasPrefix("Счёт на оплату № 1 от "))
            let url = try #require(jsonValue(made.body, "url") as? String)
            let pdf = try await sendBytes(client, .get, url, headers: [.authorization: "Bearer \(token)"])
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            let file = try DocumentTestTools.write(pdf.body)
            defer { try? FileManager.default.removeItem(at: file) }
            let text = try DocumentTestTools.poppler("pdftotext", ["-layout", file.path, "-"])
            #expect(text.contains("ИНН 7707083893, КПП 770701001"))
            #expect(text.contains("Фасад МДФ, позиция 500"))
            #expect(text.contains("625 250,00"))
            #expect(text.contains("Шестьсот двадцать пять тысяч двести пятьдесят рублей 00 копеек"))
            #expect(try DocumentTestTools.poppler("pdfinfo", [file.path]).contains(/Pages:\s+(1[0-9]|[2-9][0-9])/))
            // The next is number 2; both are on the deal, newest first, and among its files.
            let second = try await client.api(.post, "/api/v1/deals/\(deal.id)/documents", token: token, json: #"{"template_id": \#(template.id)}"#)
            #expect(jsonValue(second.body, "number") as? Int == 2)
            let listed = try await client.api(.get, "/api/v1/deals/\(deal.id)/documents", token: token)
            #expect((jsonObject(listed.body)?["data"] as? [[String: Any]])?.map { $0["number"] as? Int } == [2, 1])
            #expect(try await harness.services.attachments.list(of: .deal, deal.id, by: admin).count == 2)
            // A template that is not a document, or none, is named.
            let email = try await harness.services.templates.create(
                TemplateInput(kind: "email", code: "note", name: "Note", recordKind: "deal", locale: "ru", subject: "x", text: "y"), by: admin)
            let refused = try await client.api(.post, "/api/v1/deals/\(deal.id)/documents", token: token, json: #"{"template_id": \#(email.id)}"#)
            #expect(try problem(refused).errors?.map(\.field) == ["template_id"])
            let none = try await client.api(.post, "/api/v1/deals/\(deal.id)/documents", token: token, json: "{}")
            #expect(try problem(none).errors?.map(\.field) == ["template_id"])
            #expect(try await client.api(.post, "/api/v1/deals/99999/documents", token: token, json: #"{"template_id": \#(template.id)}"#).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func the_move_waits_for_the_proposal_to_go_by_e_mail(kind: DatabaseKind) async throws {
        try await LocalSMTPServer.with { server in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
                #expect(try await client.api(.post, "/api/v1/integrations", token: token,
                                             json: MailDeliveryTests.smtpJSON(server.port, security: "none", password: "")).status == .created)
                let pipeline = try await harness.services.pipelines.create(PipelineInput(entity: "lead", name: "Leads"), stages: [
                    StageInput(name: "New"), StageInput(name: "Measurement", condition: #"has(email) and document_sent("proposal")"#),
                ], by: admin)
                let proposal = try await harness.services.templates.create(
                    TemplateInput(kind: "document", code: "proposal", name: "КП", recordKind: "lead", locale: "ru",
                                  subject: "Коммерческое предложение № {{document.number}}", html: "<h1>КП для {{client.name}}</h1>", text: ""),
                    by: admin)
                var input = LeadInput()
                (input.title, input.firstName, input.emails, input.pipelineID) = ("Кухня", "Ирина", ["irina@example.ru"], pipeline.id)
                let lead = try await harness.services.leads.create(input, by: admin)
                let target = try #require(pipeline.stages.first { $0.name == "Measurement" })
                await #expect(throws: RapportError.self) { try await harness.services.leads.move(lead.id, to: target.id, expectedVersion: nil, by: admin) }
                // The proposal made, then e-mailed with its PDF; the move is still refused until the server took it.
                let document = try await harness.services.documents.make(templateID: proposal.id, for: .init(entity: "lead", id: lead.id), by: admin)
                _ = try await harness.services.messages.send(.init(channel: "email", linkEntity: "lead", linkID: lead.id, subject: "КП",
                                                                   text: "Во вложении.", attachmentIDs: [document.1.id]), by: admin)
                await #expect(throws: RapportError.self) { try await harness.services.leads.move(lead.id, to: target.id, expectedVersion: nil, by: admin) }
                #expect(try await harness.services.outbox.deliverDue() == 1)
                let received = try #require(try await server.waitFor(1).first)
                #expect(received.data?.contains("application/pdf") == true)
                let moved = try await harness.services.leads.move(lead.id, to: target.id, expectedVersion: nil, by: admin)
                #expect(moved.place.stageID == target.id)

                // On the card: the Documents card with "Send by e-mail" carrying the PDF.
                let session = try await signIn(client, email: "admin@test.example")
                let card = try await send(client, .get, "/leads/\(lead.id)", headers: sessionHeaders(session))
                #expect(card.body.contains("id=\"document-send-\(document.0.id)\"") && card.body.contains("attach=\(document.1.id)"))
                let compose = try await send(client, .get, "/messages/new?link_entity=lead&link_id=\(lead.id)&channel=email&attach=\(document.1.id)",
                                             headers: sessionHeaders(session))
                #expect(compose.body.contains("id=\"compose-file-\(document.1.id)\" checked"))
                let csrf = try #require(csrfField(in: card.body))
                let viaPage = try await send(client, .post, "/leads/\(lead.id)/documents", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                             body: formEncode([("_csrf", csrf), ("template_id", String(proposal.id))]))
                #expect(viaPage.status == .found)
                #expect(try await harness.services.documents.list(of: .init(entity: "lead", id: lead.id), by: admin).count == 2)
            }
        }
    }
}
