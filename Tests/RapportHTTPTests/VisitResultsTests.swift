import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// What a measurement brings back: the measurer records the results with the design layout
/// (the file lands on the lead's card even though the measurer's role cannot change leads);
/// then the manager sets the final price, and the preliminary one is kept apart, also on the
/// deal the lead becomes. Refusals leave nothing behind.
@Suite struct VisitResultsTests {
    static func multipart(_ fields: [(String, String)], file: (field: String, name: String, bytes: Data)?) -> Data {
        var body = Data()
        for (name, value) in fields {
            body += Data("--XyZ\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        if let file {
            body += Data("--XyZ\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/pdf\r\n\r\n".utf8)
            body += file.bytes + Data("\r\n".utf8)
        }
        return body + Data("--XyZ--\r\n".utf8)
    }

    @Test(arguments: TestDatabase.kinds)
    func the_measurer_brings_back_results_and_the_manager_sets_the_final_price(kind: DatabaseKind) async throws {
        try await LocalSMTPServer.with { server in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
                let measurer = try await harness.makeUser("m@x.example", role: .fieldTechnician, first: "Sergey", last: "Pavlov")
                _ = try await harness.services.users.update(measurer.id, UserInput(skills: ["measurement"]), expectedVersion: nil, by: admin)
                let kind = try await harness.services.visits.createKind(name: "Measurement", skill: "measurement", minutes: 180, by: admin)
                var input = LeadInput()
                input.firstName = "Irina"
                input.phones = ["+7 916 555-12-34"]
                input.amount = MoneyText("180000")
                (input.emails, input.topic, input.clientType) = (["irina@example.ru"], "corner kitchens", "end client")
                input.objectAddress = "Moscow, Sadovaya 5"
                input.stageID = installed.lead.stages.first { $0.name == "Catalogue and proposal sent" }?.id
                let created = try await harness.services.leads.create(input, by: admin)
                // Seed 002: the measurement comes after the proposal went by e-mail.
                try await ProposalMail.send(harness, leadID: created.id, server: server, by: admin)
                let lead = try await harness.services.leads.move(
                    created.id, to: try #require(installed.lead.stages.first { $0.name == "Measurement scheduled" }?.id),
                    expectedVersion: nil, by: admin)
                let visit = try await harness.services.visits.book(
                    VisitInput(kindID: kind.id, technicianID: measurer.id, start: "2026-11-19T09:00:00Z", linkEntity: "lead", linkID: lead.id,
                               address: "Moscow, Sadovaya 5"), by: admin)
                #expect(visit.state == .confirmed)
                let measurerToken = try await apiToken(harness, for: measurer)
                func sendResults(_ body: Data, token: String) async throws -> (status: HTTPResponse.Status, body: String) {
                    try await client.execute(uri: "/api/v1/visits/\(visit.id)/results", method: .post,
                                             headers: [.authorization: "Bearer \(token)", .contentType: "multipart/form-data; boundary=XyZ"],
                                             body: ByteBuffer(bytes: body)) { ($0.status, String(buffer: $0.body)) }
                }
                /// The files the measurer left on the lead (the proposal's PDF is the manager's).
                func files() async throws -> [RapportDomain.Attachment] {
                    try await harness.services.attachments.list(of: .lead, lead.id, by: admin).filter { $0.createdBy == measurer.id }
                }
                func storedFiles() -> Int {
                    let root = harness.services.env.files.root
                    return (FileManager.default.subpaths(atPath: root.path) ?? [])
                        .filter { !FileManager.default.isDirectory(root.appendingPathComponent($0)) }.count
                }
                let pdf = Data("%PDF-1.4 layout".utf8)

                // No results text: refused, and neither a row nor the bytes are left behind.
                let before = storedFiles()
                let empty = try await sendResults(Self.multipart([("results", " ")], file: ("layout", "layout.pdf", pdf)), token: measurerToken)
                #expect(empty.status == .unprocessableContent && empty.body.contains("\"results\""))
                #expect(try await files().isEmpty && storedFiles() == before)
                // An empty file is named.
                let blank = try await sendResults(Self.multipart([("results", "3200 mm")], file: ("layout", "layout.pdf", Data())), token: measurerToken)
                #expect(blank.status == .unprocessableContent && blank.body.contains("\"layout\""))

                // The measurer records results and the layout: the visit is done, the layout is the lead's.
                let saved = try await sendResults(Self.multipart([("results", "Wall 3200 mm, corner 90°; matte white fronts")],
                                                          file: ("layout", "Layout Irina.pdf", pdf)), token: measurerToken)
                #expect(saved.status == .ok, "\(saved.body)")
                #expect(jsonValue(saved.body, "state") as? String == "done")
                let layout = try #require(try await files().first)
                #expect(layout.fileName == "Layout Irina.pdf" && layout.createdBy == measurer.id && layout.size == Int64(pdf.count))
                let history = try await harness.services.leads.history(lead.id, page: .init(), by: admin).items
                #expect(history.contains { $0.changes.contains { $0.field == "attachments" && $0.new == "Layout Irina.pdf" } })
                #expect(history.contains { $0.changes.contains { $0.field == "visit_results" } })
                // The visit's page shows it to the measurer, who cannot open the lead.
                let session = try await signIn(client, email: "m@x.example")
                let page = try await send(client, .get, "/visits/\(visit.id)", headers: sessionHeaders(session))
                #expect(page.status == .ok && page.body.contains("Wall 3200 mm") && !page.body.contains("id=\"visit-record\""))

                // The manager's final price: the amount becomes it, 180000 is kept as the preliminary price.
                let final = try await client.api(.post, "/api/v1/leads/\(lead.id)/final-price", token: token, json: #"{"amount": "254900.50"}"#)
                #expect(final.status == .ok, "\(final.body)")
                #expect(jsonValue(final.body, "amount") as? String == "254900.50")
                #expect(jsonValue(final.body, "preliminary_amount") as? String == "180000.00")
                // Corrected once more: the preliminary price stays the one before the measurement.
                let again = try await client.api(.post, "/api/v1/leads/\(lead.id)/final-price", token: token, json: #"{"amount": 260000}"#)
                #expect(jsonValue(again.body, "amount") as? String == "260000.00")
                #expect(jsonValue(again.body, "preliminary_amount") as? String == "180000.00")
                for bad in [#"{}"#, #"{"amount": "lots"}"#, #"{"amount": -5}"#] {
                    let refused = try await client.api(.post, "/api/v1/leads/\(lead.id)/final-price", token: token, json: bad)
                    #expect(try problem(refused).errors?.map(\.field) == ["amount"], "\(bad)")
                }
                #expect(try await client.api(.post, "/api/v1/leads/\(lead.id)/final-price", token: token, json: #"{"amount": 1, "x": 2}"#)
                    .status == .unprocessableContent)
                let card = try await send(client, .get, "/leads/\(lead.id)", headers: sessionHeaders(try await signIn(client, email: "admin@test.example")))
                #expect(card.body.contains("id=\"record-preliminary\"") && card.body.contains("id=\"final-price\""))
                #expect(card.body.contains("Layout Irina.pdf") && card.body.contains("Wall 3200 mm"))

                // The deal the lead becomes keeps both.
                let converted = try await harness.services.leads.convert(lead.id, LeadConversionInput(), expectedVersion: nil, by: admin)
                #expect(converted.deal.amount == 26_000_000 && converted.deal.preliminaryAmount == 18_000_000)
                // With line items the amount is theirs: a final price is refused.
                var items = DealInput()
                items.lineItems = [LineItemInput(name: "Kitchen", quantity: "1", price: "270000")]
                _ = try await harness.services.deals.update(converted.deal.id, items, expectedVersion: nil, by: admin)
                let withItems = try await client.api(.post, "/api/v1/deals/\(converted.deal.id)/final-price", token: token, json: #"{"amount": 1}"#)
                #expect(withItems.status == .conflict)

                // Files go on deals too, and leave with the deal.
                let upload = try await client.execute(uri: "/api/v1/deals/\(converted.deal.id)/attachments?name=contract.pdf", method: .post,
                                                      headers: [.authorization: "Bearer \(token)", .contentType: "application/pdf"],
                                                      body: ByteBuffer(bytes: pdf)) { ($0.status, String(buffer: $0.body)) }
                #expect(upload.0 == .created, "\(upload.1)")
                let listed = try await client.api(.get, "/api/v1/deals/\(converted.deal.id)/attachments", token: token)
                #expect((jsonObject(listed.body)?["data"] as? [[String: Any]])?.map { $0["file_name"] as? String } == ["contract.pdf"])
                let filesBefore = storedFiles()
                #expect(try await client.api(.delete, "/api/v1/deals/\(converted.deal.id)", token: token).status == .noContent)
                #expect(storedFiles() == filesBefore - 1)
            }
        }
    }
}

extension FileManager {
    func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }
}
