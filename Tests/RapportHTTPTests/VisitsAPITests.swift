import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Field visits over the API: a kind, free slots, a booking, its confirmation, a double booking refused.
@Suite struct VisitsAPITests {
    @Test(arguments: TestDatabase.kinds)
    func a_visit_is_booked_and_confirmed_over_the_api(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            let measurer = try await harness.makeUser("m@x.example", role: .fieldTechnician)
            _ = try await harness.services.users.update(measurer.id, UserInput(skills: ["measurement"]), expectedVersion: nil, by: admin)
            var input = LeadInput()
            input.phones = ["+7 916 555-12-34"]
            let lead = try await harness.services.leads.create(input, by: admin)
            let kindAnswer = try await client.api(.post, "/api/v1/visit-kinds", token: token,
                                                  json: #"{"name": "Measurement", "skill": "measurement", "minutes": 180}"#)
            #expect(kindAnswer.status == .created)
            let kindID = try #require(jsonValue(kindAnswer.body, "id") as? Int)
            let slots = try await client.api(.get, "/api/v1/visit-slots?kind_id=\(kindID)&from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z",
                                             token: token)
            let first = try #require((jsonObject(slots.body)?["data"] as? [[String: Any]])?.first)
            #expect(first["start"] as? String == "2026-11-23T09:00:00.000Z" && first["technician_id"] as? Int == Int(measurer.id))
            let booked = try await client.api(.post, "/api/v1/visits", token: token, json: """
                {"kind_id": \(kindID), "technician_id": \(measurer.id), "start": "2026-11-23T09:00:00Z", "link_entity": "lead",
                 "link_id": \(lead.id), "address": "Moscow, Sadovaya 5"}
                """)
            #expect(booked.status == .created && jsonValue(booked.body, "state") as? String == "booked")
            let id = try #require(jsonValue(booked.body, "id") as? Int)
            let twice = try await client.api(.post, "/api/v1/visits", token: token, json: """
                {"kind_id": \(kindID), "technician_id": \(measurer.id), "start": "2026-11-23T10:00:00Z", "link_entity": "lead",
                 "link_id": \(lead.id), "address": "Moscow"}
                """)
            #expect(twice.status == .conflict)
            let confirmed = try await client.api(.post, "/api/v1/visits/\(id)/confirm", token: token, headers: [.ifMatch: "\"2\""])
            #expect(confirmed.status == .ok && jsonValue(confirmed.body, "state") as? String == "confirmed")
            let list = try await client.api(.get, "/api/v1/visits?link_entity=lead&link_id=\(lead.id)", token: token)
            #expect((jsonObject(list.body)?["data"] as? [Any])?.count == 1)
        }
    }
}
