import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Message templates: placeholders of the record and its related records, line items as a
/// table, money, dates and the total in words in the template's language, HTML escaped; an
/// unknown placeholder or a text that does not read is refused with where it is; every change
/// of the texts a version.
@Suite struct TemplatesAPITests {
    @Test(arguments: TestDatabase.kinds)
    func a_proposal_template_is_filled_for_a_lead_in_russian_and_english(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            let anna = try await harness.makeUser("anna@x.example", role: .salesManager, first: "Анна", last: "Лисова")
            var input = LeadInput()
            (input.firstName, input.middleName, input.lastName) = ("Ирина", "Петровна", "Котова")
            input.emails = ["irina@example.ru"]
            input.ownerID = anna.id
            input.lineItems = [LineItemInput(name: "Кухня <угловая> & фасады", quantity: "1", price: "250000", taxPercent: "20"),
                               LineItemInput(name: "Монтаж", quantity: "2", unit: "дн", price: "7500.25")]
            let lead = try await harness.services.leads.create(input, by: admin)

            let html = """
                <p>{{client.salutation}}</p><table>{{#line_items}}<tr><td>{{position}}</td><td>{{name}}</td><td>{{quantity}} {{unit}}</td><td>{{total}}</td></tr>{{/line_items}}</table>
                <p>Итого: {{totals.total}} ({{totals.total_in_words}})</p><p>{{responsible.name}}, {{company.name}}</p>
                """
            let made = try await client.api(.post, "/api/v1/templates", token: token, json: """
                {"kind": "email", "code": "proposal", "name": "Коммерческое предложение", "record_kind": "lead", "locale": "ru",
                 "subject": "КП для {{client.name}} от {{today}}", "html": \(Self.json(html)), "text": "{{client.salutation}} КП во вложении."}
                """)
            #expect(made.status == .created, "\(made.body)")
            let id = try #require(jsonValue(made.body, "id") as? Int)
            let preview = try await client.api(.get, "/api/v1/templates/\(id)/preview?record_kind=lead&record_id=\(lead.id)", token: token)
            #expect(preview.status == .ok, "\(preview.body)")
            let subject = try #require(jsonValue(preview.body, "subject") as? String)
            #expect(subject.hasPrefix("КП для Котова Ирина Петровна от ") && subject.hasSuffix(".2026"))
            let body = try #require(jsonValue(preview.body, "html") as? String)
            #expect(body.contains("<p>Здравствуйте, Ирина Петровна!</p>"))
            #expect(body.contains("<td>1</td><td>Кухня &lt;угловая&gt; &amp; фасады</td><td>1 </td><td>250\u{202F}000,00 ₽</td>"), "\(body)")
            #expect(body.contains("<td>2</td><td>Монтаж</td><td>2 дн</td><td>15\u{202F}000,50 ₽</td>"))
            #expect(body.contains("Итого: 265\u{202F}000,50 ₽ (Двести шестьдесят пять тысяч рублей 50 копеек)"))
            #expect(body.contains("<p>Анна Лисова, Кухни Мастер</p>"))
            #expect(jsonValue(preview.body, "text") as? String == "Здравствуйте, Ирина Петровна! КП во вложении.")

            // The same in English: money and words for an English reader.
            let english = try await client.api(.post, "/api/v1/templates", token: token, json: """
                {"kind": "email", "code": "proposal", "name": "Proposal", "record_kind": "lead", "locale": "en",
                 "subject": "Proposal for {{client.name}}", "text": "{{client.salutation}} the total is {{totals.total}}: {{totals.total_in_words}}."}
                """)
            let englishID = try #require(jsonValue(english.body, "id") as? Int)
            let englishPreview = try await client.api(.get, "/api/v1/templates/\(englishID)/preview?record_kind=lead&record_id=\(lead.id)",
                                                      token: token)
            #expect(jsonValue(englishPreview.body, "text") as? String
                == "Dear Ирина, the total is ₽265,000.50: Two hundred sixty-five thousand roubles 50 kopecks.")

            // Mistakes are named with where they are, and nothing is saved.
            func refusal(_ json: String) async throws -> [String] {
                let answer = try await client.api(.post, "/api/v1/templates", token: token, json: json)
                return try problem(answer).errors?.map { "\($0.field):\($0.code):\($0.message)" } ?? []
            }
            let unknown = try await refusal("""
                {"kind": "email", "code": "x1", "name": "x", "record_kind": "lead", "subject": "Hi", "text": "Dear {{lead.titel}}"}
                """)
            #expect(unknown == ["text:unknown_field:the placeholder {{lead.titel}} (character 6) names no field"])
            let unread = try await refusal("""
                {"kind": "email", "code": "x2", "name": "x", "record_kind": "lead", "subject": "Hi {{client.name", "text": "x"}
                """)
            #expect(unread.first?.hasPrefix("subject:syntax:the template does not read at character 4") == true)
            let section = try await refusal("""
                {"kind": "document", "code": "x3", "name": "x", "record_kind": "contact", "html": "{{#line_items}}{{name}}{{/line_items}}"}
                """)
            #expect(section.first?.hasPrefix("html:unknown_field:the section {{#line_items}} (character 1)") == true)
            #expect(try await refusal(#"{"kind": "email", "code": "proposal", "name": "Again", "record_kind": "lead", "locale": "ru", "subject": "s", "text": "t"}"#)
                .map { String($0.prefix(10)) } == ["code:taken"])
            #expect(try await refusal(#"{"kind": "sms", "code": "s1", "name": "s", "record_kind": "visit", "text": ""}"#)
                .map { $0.split(separator: ":").prefix(2).joined(separator: ":") } == ["text:required"])
            #expect(try await refusal(#"{"kind": "fax", "record_kind": "ship"}"#).map { $0.split(separator: ":").prefix(2).joined(separator: ":") }
                == ["kind:invalid", "record_kind:invalid", "code:required", "name:required"])
            #expect(try await client.api(.get, "/api/v1/templates", token: token).body.components(separatedBy: "\"code\"").count == 3)

            // New texts are a new version; the name alone is not; kind and language stay as made.
            let changed = try await client.api(.patch, "/api/v1/templates/\(id)", token: token,
                                               json: #"{"subject": "Предложение для {{client.name}}"}"#)
            #expect((jsonValue(changed.body, "current") as? [String: Any])?["number"] as? Int == 2)
            let renamed = try await client.api(.patch, "/api/v1/templates/\(id)", token: token, json: #"{"name": "КП"}"#)
            #expect((jsonValue(renamed.body, "current") as? [String: Any])?["number"] as? Int == 2)
            let locked = try await client.api(.patch, "/api/v1/templates/\(id)", token: token, json: #"{"kind": "sms"}"#)
            #expect(try problem(locked).errors?.map(\.code) == ["locked"])
            let full = try await client.api(.get, "/api/v1/templates/\(id)", token: token)
            #expect((jsonValue(full.body, "versions") as? [[String: Any]])?.map { $0["number"] as? Int } == [2, 1])

            // Someone who may not read the lead gets no preview of it; only the settings right changes templates.
            let other = try await harness.makeUser("o@x.example", role: .salesManager, department: try await harness.department("Другой").id)
            let otherToken = try await apiToken(harness, for: other)
            #expect(try await client.api(.get, "/api/v1/templates/\(id)/preview?record_kind=lead&record_id=\(lead.id)", token: otherToken)
                .status == .notFound)
            #expect(try await client.api(.patch, "/api/v1/templates/\(id)", token: otherToken, json: #"{"name": "x"}"#).status == .forbidden)
            #expect(try await client.api(.get, "/api/v1/templates/\(id)/preview?record_kind=ship&record_id=1", token: token)
                .status == .unprocessableContent)
        }
    }

    /// The company's "visit_sms" template writes the client's SMS about a visit, and the
    /// message records the version it used.
    @Test(arguments: TestDatabase.kinds)
    func the_visit_sms_is_written_from_the_company_template(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            _ = try await harness.services.settings.update(.init(name: "Кухни Мастер", locale: "ru"), expectedVersion: nil, by: admin)
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            let made = try await client.api(.post, "/api/v1/templates", token: token, json: """
                {"kind": "sms", "code": "visit_sms", "name": "SMS о замере", "record_kind": "visit", "locale": "ru",
                 "text": "{{company.name}}: {{visit.kind}} {{visit.date}} в {{visit.time}}, {{visit.address}}. {{visit.technician_name}}, {{visit.technician_phone}}"}
                """)
            #expect(made.status == .created, "\(made.body)")
            let measurer = try await harness.makeUser("m@x.example", role: .fieldTechnician, first: "Павел", last: "Замеров")
            _ = try await harness.services.users.update(measurer.id, UserInput(phone: "+7 903 300-20-01", skills: ["замер"]),
                                                        expectedVersion: nil, by: admin)
            let visitKind = try await harness.services.visits.createKind(name: "Замер", skill: "замер", minutes: 180, by: admin)
            var input = LeadInput()
            input.phones = ["+7 916 555-12-34"]
            let lead = try await harness.services.leads.create(input, by: admin)
            let visit = try await harness.services.visits.book(
                VisitInput(kindID: visitKind.id, technicianID: measurer.id, start: "2026-11-19T09:00:00Z", linkEntity: "lead",
                           linkID: lead.id, address: "Москва, ул. Садовая, 5"), by: admin)
            #expect(visit.state == .confirmed)
            let sms = try await VisitStore.queuedSMS(harness, lead.id)
            #expect(sms.count == 1 && sms[0].body == "Кухни Мастер: Замер 19.11.2026 в 09:00, Москва, ул. Садовая, 5. Павел Замеров, +7 903 300-20-01")
            let templateVersion = try #require((jsonValue(made.body, "current") as? [String: Any])?["id"] as? Int)
            #expect(sms[0].templateVersionID == Int64(templateVersion))
        }
    }

    static func json(_ text: String) -> String {
        String(data: try! JSONEncoder().encode(text), encoding: .utf8)!
    }
}
