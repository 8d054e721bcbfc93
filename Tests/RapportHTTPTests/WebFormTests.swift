import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// A web form's public page and its submissions: a lead with the UTM tags and the page, the
/// known client's card instead of a new lead, and the spam guards — the hidden field, the time
/// token, the limit per address — each refusing or ignoring without losing a person's words.
@Suite struct WebFormTests {
    static func token(_ page: String) -> String? {
        page.firstMatch(of: #/name="_t" value="([^"]*)"/#).map { String($0.output.1) }
    }

    @Test(arguments: TestDatabase.kinds)
    func submissions_become_leads_and_spam_does_not(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            let made = try await client.api(.post, "/api/v1/web-forms", token: token, json: """
                {"name": "Measurement request", "source": "site", "fields": [
                  {"code": "full_name", "label": "Your name"}, {"code": "phone", "label": "Phone", "required": true},
                  {"code": "comments", "label": "Your question"}]}
                """)
            #expect(made.status == .created)
            let slug = try #require(jsonValue(made.body, "slug") as? String)
            let page = try await client.api(.get, "/f/\(slug)?utm_source=yandex&utm_campaign=kitchens&ref=https%3A%2F%2Fkitchens.example%2Fcorner",
                                            token: nil)
            #expect(page.status == .ok && page.body.contains("Measurement request"))
            #expect(page.headers[.contentSecurityPolicy] == "frame-ancestors *")
            let issued = try #require(Self.token(page.body))
            func post(_ fields: [(String, String)]) async throws -> HTTPAnswer {
                try await send(client, .post, "/f/\(slug)", headers: [.contentType: "application/x-www-form-urlencoded"],
                               body: formEncode(fields))
            }
            let person = [("_t", issued), ("website", ""), ("_referrer", "https://kitchens.example/corner"), ("utm_source", "yandex"),
                          ("utm_campaign", "kitchens"), ("full_name", "Котова Ирина"), ("phone", "+7 916 777-12-34"),
                          ("comments", "Угловая кухня <script>alert(1)</script>")]
            // Sent the instant the page was shown: a bot — thanked, nothing kept.
            #expect(try await post(person).status == .ok)
            #expect(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items.isEmpty)
            harness.clock.advance(by: 20)
            // The hidden field filled: a bot too.
            #expect(try await post(person.map { $0.0 == "website" ? ("website", "http://spam.example") : $0 }).status == .ok)
            // Unknown fields, a missing phone: refused, the words kept on the page.
            let unknown = try await post(person + [("admin", "1")])
            #expect(unknown.status == .unprocessableContent)
            let noPhone = try await post(person.map { $0.0 == "phone" ? ("phone", "") : $0 })
            #expect(noPhone.status == .unprocessableContent && noPhone.body.contains("Котова Ирина"))
            #expect(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items.isEmpty)

            let sent = try await post(person)
            #expect(sent.status == .ok && sent.body.contains("web-form-thanks"))
            let lead = try #require(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items.first)
            #expect(lead.source == "site" && lead.utm.source == "yandex" && lead.utm.campaign == "kitchens")
            #expect(lead.referrer == "https://kitchens.example/corner" && lead.lastName == "Котова" && lead.phones == ["+7 916 777-12-34"])
            #expect(lead.comments == "Угловая кухня <script>alert(1)</script>")
            // The card shows the script as text.
            let session = try await signIn(client, email: "admin@test.example")
            let card = try await send(client, .get, "/leads/\(lead.id)", headers: sessionHeaders(session))
            #expect(!card.body.contains("<script>alert(1)</script>") && card.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))

            // The same person again: her open lead gets the request (an interaction and a task), no second lead.
            #expect(try await post(person).status == .ok)
            #expect(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items.count == 1)
            let about = try await harness.services.interactions.list(.init(record: .init(entity: "lead", id: lead.id)), page: .init(),
                                                                        by: admin).items
            #expect(about.count == 2 && about.allSatisfy { $0.subject == "Web form: Measurement request" })

            // A page two days old: sent again after refreshing.
            harness.clock.advance(by: 2 * 86400)
            let old = try await post(person)
            #expect(old.status == .unprocessableContent)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func one_address_is_throttled_and_others_are_not(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            let forms = harness.services.webForms
            let form = try await forms.create(WebFormInput(name: "Call me", fields: [.init(code: "phone", label: "Phone", required: true)]),
                                              by: admin)
            let issued = forms.token(for: form)
            harness.clock.advance(by: 10)
            func submit(_ phone: String, from address: String) async throws -> WebFormService.Outcome {
                try await forms.submit(form.slug, values: ["_t": issued, "phone": phone], from: address)
            }
            // A burst from one address: the first ten in, then "try later" (429 on the page).
            var refused = 0
            for n in 0..<40 {
                do { _ = try await submit("+7 916 000-\(String(format: "%02d", n / 10))-\(String(format: "%02d", n % 100))", from: "10.0.0.1") }
                catch RapportError.rateLimited { refused += 1 }
            }
            #expect(refused == 30)
            // Real people elsewhere are not affected.
            for n in 0..<5 { _ = try await submit("+7 903 555-00-\(String(format: "%02d", n))", from: "10.0.0.\(n + 2)") }
            #expect(try await harness.services.leads.list(PipelineRecordQuery(), page: .init(limit: 100), by: admin).items.count == 15)
            // Bad forms are refused with the field named.
            await #expect(throws: RapportError.self) {
                try await forms.create(WebFormInput(name: "x", fields: [.init(code: "password", label: "p")]), by: admin)
            }
            do {
                _ = try await forms.create(WebFormInput(name: "x", fields: [.init(code: "comments", label: "Q")]), by: admin)
                Issue.record("a form without a phone or an e-mail was accepted")
            } catch { #expect(fieldCodes(error) == ["fields:no_contact"]) }
        }
    }
}
