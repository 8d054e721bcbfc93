import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The distribution settings page: routing rules, service levels and integrations made and
/// changed from it; a refusal names the field and changes nothing.
@Suite struct DistributionPagesTests {
    @Test(arguments: TestDatabase.kinds)
    func rules_levels_and_integrations_are_kept_on_the_page(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            let anna = try await harness.makeUser("anna@x.example", role: .salesManager, first: "Anna", last: "Fox")
            let session = try await signIn(client, email: "admin@test.example")
            func post(_ path: String, _ fields: [(String, String)]) async throws -> HTTPAnswer {
                let page = try await send(client, .get, "/admin/distribution", headers: sessionHeaders(session))
                let csrf = try #require(csrfField(in: page.body))
                return try await send(client, .post, path, headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                      body: formEncode([("_csrf", csrf)] + fields))
            }
            #expect(try await send(client, .get, "/admin/distribution", headers: sessionHeaders(session)).status == .ok)
            let bad = try await post("/admin/distribution/rules", [("name", "Large"), ("condition", "amount >"), ("pool_users", "\(anna.id)"),
                                                                  ("strategy", "round_robin")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("condition"))
            #expect(try await harness.services.routing.list(by: admin).isEmpty)
            let made = try await post("/admin/distribution/rules", [("name", "Large"), ("condition", "amount > 100000"),
                                                                   ("pool_users", "\(anna.id)"), ("pool_users", "\(admin.userID)"),
                                                                   ("strategy", "least_loaded"), ("fallback", "0")])
            #expect(made.status == .found)
            let rule = try #require(try await harness.services.routing.list(by: admin).first)
            #expect(rule.pool.userIDs == [anna.id, admin.userID] && rule.strategy == .leastLoaded && rule.condition == "amount > 100000")
            // Switched off from the page.
            #expect(try await post("/admin/distribution/rules/\(rule.id)", [("version", "\(rule.version)"), ("name", "Large"),
                                                                           ("condition", "amount > 100000"), ("pool_users", "\(anna.id)"),
                                                                           ("strategy", "least_loaded")]).status == .found)
            #expect(try await harness.services.routing.get(rule.id, by: admin).active == false)

            #expect(try await post("/admin/distribution/levels", [("name", "New lead in 10"), ("minutes", "10"), ("stage", "0"),
                                                                 ("source", ""), ("action", "reassign"), ("notify", "0")]).status == .found)
            #expect(try await harness.services.serviceLevels.list(by: admin).map(\.minutes) == [10])
            let noMinutes = try await post("/admin/distribution/levels", [("name", "x"), ("minutes", ""), ("action", "notify")])
            #expect(noMinutes.status == .unprocessableContent)

            let integration = try await post("/admin/distribution/integrations", [("name", "PBX"), ("kind", "telephony"), ("source", "phone")])
            #expect(integration.status == .ok && integration.body.contains("integration-secret"))
            let saved = try #require(try await harness.services.integrations.list(by: admin).first)
            #expect(integration.body.contains(saved.secret))
            #expect(!(try await send(client, .get, "/admin/distribution", headers: sessionHeaders(session))).body.contains(saved.secret))

            // A sales manager has no business here.
            let other = try await signIn(client, email: "anna@x.example")
            #expect(try await send(client, .get, "/admin/distribution", headers: sessionHeaders(other)).status != .ok)
        }
    }
}
