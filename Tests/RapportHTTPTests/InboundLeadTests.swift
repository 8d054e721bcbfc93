import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The generic inbound lead webhook (social networks, messengers): signed, each request once
/// by its id, to the known client or a new lead.
@Suite struct InboundLeadTests {
    @Test(arguments: TestDatabase.kinds)
    func messages_become_leads_once(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, _) = try await adminWithToken(harness)
            _ = try await KitchenPipelines(env: harness.services.env).install(.en)
            let hook = try await harness.services.integrations.create(.init(kind: "lead_webhook", name: "Instagram", source: "instagram"),
                                                                      by: admin)
            let pbx = try await harness.services.integrations.create(.init(kind: "telephony", name: "PBX"), by: admin)
            func post(_ json: String, secret: String, to id: Int64) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
                try await client.api(.post, "/api/v1/inbound/\(id)/leads", token: nil, json: json,
                                     headers: [TelephonyAPITests.signature: "sha256=" + TelephonyService.sign(Data(json.utf8), secret: secret)])
            }
            let message = #"{"external_id": "ig-1", "name": "Irina Kotova", "phone": "+7 916 555-12-34", "message": "How much is a corner kitchen?", "utm_source": "instagram"}"#
            let first = try await post(message, secret: hook.secret, to: hook.id)
            #expect(first.status == .created && jsonValue(first.body, "outcome") as? String == "recorded")
            #expect(jsonValue(first.body, "link_entity") as? String == "lead")
            let again = try await post(message, secret: hook.secret, to: hook.id)
            #expect(again.status == .ok && jsonValue(again.body, "outcome") as? String == "duplicate")
            #expect(jsonValue(again.body, "link_id") as? Int == jsonValue(first.body, "link_id") as? Int)
            let leads = try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items
            #expect(leads.count == 1 && leads[0].source == "instagram" && leads[0].firstName == "Irina" && leads[0].lastName == "Kotova")
            #expect(leads[0].comments == "How much is a corner kitchen?" && leads[0].utm.source == "instagram")
            // No way to answer: refused naming the field; a telephony secret is no signature here.
            let nowhere = try await post(#"{"external_id": "ig-2", "name": "Anon"}"#, secret: hook.secret, to: hook.id)
            #expect(nowhere.status == .unprocessableContent)
            let fields = try problem(nowhere).errors?.map(\.field) ?? []
            #expect(fields == ["phone"])
            #expect(try await post(message, secret: pbx.secret, to: pbx.id).status == .unauthorized)
            #expect(try await post(message, secret: "wrong", to: hook.id).status == .unauthorized)
        }
    }
}
