import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// A deal made and kept on its pages: the new-deal form, the client pickers, the line items
/// editor; a refused form keeps what was typed and changes nothing.
@Suite struct DealPagesTests {
    @Test(arguments: TestDatabase.kinds)
    func a_deal_is_made_and_its_lines_kept_on_its_pages(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"), by: admin)
            let session = try await signIn(client, email: "admin@test.example")
            let cookies = [(sessionCookieName, session)]
            func post(_ path: String, _ fields: [(String, String)]) async throws -> HTTPAnswer {
                let page = try await send(client, .get, path.hasSuffix("/items") ? String(path.dropLast(6)) : path,
                                          headers: sessionHeaders(session))
                let csrf = try #require(csrfField(in: page.body))
                return try await send(client, .post, path, headers: formHeaders(cookies: cookies),
                                      body: formEncode([("_csrf", csrf)] + fields))
            }

            let form = try await send(client, .get, "/deals/new?pipeline_id=\(installed.deal.id)", headers: sessionHeaders(session))
            #expect(form.status == .ok && form.body.contains("name=\"pipeline_id\" value=\"\(installed.deal.id)\""))
            // No title: refused, what was typed stays, nothing is made.
            let refused = try await post("/deals/new", [("title", " "), ("amount", "1500"), ("pipeline_id", "\(installed.deal.id)")])
            #expect(refused.status == .unprocessableContent && refused.body.contains("value=\"1500\""))
            // A company typed but not chosen from the list is refused, not dropped.
            let unchosen = try await post("/deals/new", [("title", "Кухня"), ("company_id", ""), ("company_id_query", "Нет такой")])
            #expect(unchosen.status == .unprocessableContent)
            #expect(try await harness.services.deals.list(PipelineRecordQuery(), page: .init(), by: admin).items.isEmpty)

            let made = try await post("/deals/new", [("title", "Кухня Орловых"), ("company_id", "\(company.id)"),
                                                    ("company_id_query", "Кухни Люкс · #\(company.id)"),
                                                    ("owner_id", "\(admin.userID)"), ("pipeline_id", "\(installed.deal.id)")])
            #expect(made.status == .found)
            let path = try #require(made.headers[.location])
            let id = try #require(Int64(path.split(separator: "/").last ?? ""))
            let card = try await send(client, .get, path, headers: sessionHeaders(session))
            #expect(card.body.contains("href=\"/clients/companies/\(company.id)\""))
            #expect(card.body.contains("action=\"/deals/\(id)/items\""))

            // A line with a price that is not an amount: refused naming the row, the rows as typed.
            var version = try await harness.services.deals.get(id, by: admin).record.version
            let bad = try await post("\(path)/items", [("version", "\(version)"), ("item_name_0", "Гарнитур «Модерн»"),
                                                       ("item_price_0", "abc"), ("item_name_1", ""), ("item_price_1", "")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("Line 1 · Price") && bad.body.contains("value=\"Гарнитур «Модерн»\""))
            #expect(try await harness.services.deals.get(id, by: admin).lineItems.isEmpty)

            let saved = try await post("\(path)/items", [("version", "\(version)"),
                                                         ("item_name_0", "Гарнитур «Модерн»"), ("item_quantity_0", "1"),
                                                         ("item_price_0", "350000"), ("item_tax_0", "20"),
                                                         ("item_name_1", "Монтаж"), ("item_quantity_1", "1"),
                                                         ("item_price_1", "25000"), ("item_discount_1", "10"),
                                                         ("item_name_2", ""), ("item_price_2", "")])
            #expect(saved.status == .found)
            var deal = try await harness.services.deals.get(id, by: admin)
            #expect(deal.lineItems.map(\.name) == ["Гарнитур «Модерн»", "Монтаж"])
            #expect(deal.record.amount == 37_250_000)

            // The first line removed.
            version = deal.record.version
            #expect(try await post("\(path)/items", [("version", "\(version)"), ("item_name_0", "Гарнитур «Модерн»"),
                                                     ("item_price_0", "350000"), ("item_remove_0", "1"),
                                                     ("item_name_1", "Монтаж"), ("item_price_1", "25000"),
                                                     ("item_discount_1", "10")]).status == .found)
            deal = try await harness.services.deals.get(id, by: admin)
            #expect(deal.lineItems.map(\.name) == ["Монтаж"] && deal.record.amount == 2_250_000)

            // Saving with a version someone else has moved on: refused as stale.
            let stale = try await post("\(path)/items", [("version", "\(version)"), ("item_name_0", "Монтаж"), ("item_price_0", "1")])
            #expect(stale.status == .unprocessableContent)
            #expect(try await harness.services.deals.get(id, by: admin).lineItems.map(\.price) == [2_500_000])
        }
    }
}
