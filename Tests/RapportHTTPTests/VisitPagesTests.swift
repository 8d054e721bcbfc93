import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Visits on the pages: the lead card's "Visits", booking from the free times, confirming,
/// a time someone took meanwhile refused, and the week's schedule.
@Suite struct VisitPagesTests {
    @Test(arguments: TestDatabase.kinds)
    func a_visit_is_booked_and_confirmed_from_the_lead_card(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            let measurer = try await harness.makeUser("m@x.example", role: .fieldTechnician, first: "Sergey", last: "Pavlov")
            _ = try await harness.services.users.update(measurer.id, UserInput(skills: ["measurement"]), expectedVersion: nil, by: admin)
            let kind = try await harness.services.visits.createKind(name: "Measurement", skill: "measurement", minutes: 180, by: admin)
            var input = LeadInput()
            input.phones = ["+7 916 555-12-34"]
            input.objectAddress = "Moscow, Sadovaya 5"
            let lead = try await harness.services.leads.create(input, by: admin)
            let session = try await signIn(client, email: "admin@test.example")
            let headers = sessionHeaders(session)
            let card = try await send(client, .get, "/leads/\(lead.id)", headers: headers)
            #expect(card.body.contains("href=\"/leads/\(lead.id)/visits/new\""))
            let page = try await send(client, .get, "/leads/\(lead.id)/visits/new?kind=\(kind.id)&from=2026-11-23", headers: headers)
            #expect(page.status == .ok && page.body.contains("value=\"\(measurer.id)|2026-11-23T09:00:00.000Z\""))
            #expect(page.body.contains("value=\"Moscow, Sadovaya 5\""))
            let csrf = try #require(csrfField(in: page.body))
            func book(_ slot: String) async throws -> HTTPAnswer {
                try await send(client, .post, "/leads/\(lead.id)/visits/new", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                               body: formEncode([("_csrf", csrf), ("kind_id", "\(kind.id)"), ("address", "Moscow, Sadovaya 5"),
                                                 ("slot", slot)]))
            }
            #expect(try await book("\(measurer.id)|2026-11-23T09:00:00.000Z").status == .found)
            // The same time again (someone took it meanwhile): refused, said plainly.
            let taken = try await book("\(measurer.id)|2026-11-23T10:00:00.000Z")
            #expect(taken.status == .unprocessableContent && taken.body.contains("just been taken"))
            let visit = try #require(try await harness.services.visits.visits(of: .init(entity: "lead", id: lead.id), by: admin).first)
            #expect(visit.state == .booked && visit.confirmTaskID != nil)
            let confirmed = try await send(client, .post, "/visits/\(visit.id)/confirm", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                           body: formEncode([("_csrf", csrf), ("version", "\(visit.version)")]))
            #expect(confirmed.status == .found)
            #expect(try await harness.services.visits.get(visit.id, by: admin).state == .confirmed)
            let schedule = try await send(client, .get, "/visits?from=2026-11-23", headers: headers)
            #expect(schedule.status == .ok && schedule.body.contains("Sergey Pavlov") && schedule.body.contains("Moscow, Sadovaya 5"))
        }
    }
}
