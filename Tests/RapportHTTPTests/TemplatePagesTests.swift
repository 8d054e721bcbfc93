import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The templates on the pages: a new one refused with the placeholder that does not exist
/// (what was typed kept), made, changed into a new version, previewed for a lead — its HTML in
/// a sandboxed frame.
@Suite struct TemplatePagesTests {
    @Test(arguments: TestDatabase.kinds)
    func a_template_is_made_changed_and_previewed_on_the_pages(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            var input = LeadInput()
            (input.firstName, input.lastName) = ("Irina", "Kotova")
            input.amount = MoneyText("250000")
            let lead = try await harness.services.leads.create(input, by: admin)
            let session = try await signIn(client, email: "admin@test.example")
            let list = try await send(client, .get, "/admin/templates", headers: sessionHeaders(session))
            #expect(list.status == .ok && list.body.contains("id=\"template-new\""))
            let csrf = try #require(csrfField(in: list.body))
            func post(_ path: String, _ fields: [(String, String)]) async throws -> HTTPAnswer {
                try await send(client, .post, path, headers: formHeaders(cookies: [(sessionCookieName, session)]),
                               body: formEncode([("_csrf", csrf)] + fields))
            }
            let refused = try await post("/admin/templates", [("name", "Proposal"), ("code", "proposal"), ("kind", "email"),
                                                              ("record_kind", "lead"), ("locale", "en"), ("subject", "For {{client.nmae}}"),
                                                              ("text", "Hello")])
            #expect(refused.status == .unprocessableContent && refused.body.contains("{{client.nmae}} (character 5)"))
            #expect(refused.body.contains("value=\"For {{client.nmae}}\""))
            let made = try await post("/admin/templates", [("name", "Proposal"), ("code", "proposal"), ("kind", "email"),
                                                           ("record_kind", "lead"), ("locale", "en"), ("subject", "For {{client.name}}"),
                                                           ("text", "{{client.salutation}} the price is {{lead.amount}}."),
                                                           ("html", "<p>{{client.salutation}}</p><script>alert(1)</script>")])
            #expect(made.status == .found)
            let location = try #require(made.headers[.location])
            let saved = try await post(location, [("version", "1"), ("name", "Proposal"), ("code", "proposal"),
                                                  ("subject", "Your proposal, {{client.first_name}}"), ("text", "Hi"), ("html", "<p>Hi</p>"),
                                                  ("active", "1")])
            #expect(saved.status == .found)
            let page = try await send(client, .get, location + "?record_id=\(lead.id)", headers: sessionHeaders(session))
            #expect(page.status == .ok && page.body.contains("version 2"))
            #expect(page.body.contains("<strong>Your proposal, Irina</strong>"))
            #expect(page.body.contains("sandbox=\"\" srcdoc=\"&lt;p&gt;Hi&lt;/p&gt;\""))
            let missing = try await send(client, .get, location + "?record_id=999999", headers: sessionHeaders(session))
            #expect(missing.body.contains("No such record that you may read."))
        }
    }
}
