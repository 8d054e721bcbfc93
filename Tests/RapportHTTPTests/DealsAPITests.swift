import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Deals on the kitchen maker's deal pipeline (manual control): exact amounts from line items,
/// gates that want lines and an amount, a lost reason, the board's figures.
@Suite struct DealsAPITests {
    @Test(arguments: TestDatabase.kinds)
    func deals_count_their_money_exactly_and_meet_their_stages_gates(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, principal, token) = try await adminWithToken(harness)
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let stage = Dictionary(uniqueKeysWithValues: installed.deal.stages.map { ($0.name, $0.id) })
            let company = try await harness.services.companies.create(.init(shortName: "Кухни Люкс"), by: principal)
            // Bad fields name themselves, each line's by its place.
            let bad = try await client.api(.post, "/api/v1/deals", token: token, json: """
                {"title": "", "company_id": 999999, "probability": 150, "close_date": "31.12.2026",
                 "line_items": [{"name": "Фасады", "price": "1000"}, {"name": "", "price": "-5", "quantity": "0"}]}
                """)
            #expect(try Set(problem(bad).fields)
                == ["title", "company_id", "probability", "close_date", "line_items[1].name", "line_items[1].price", "line_items[1].quantity"])
            // Without lines the deal enters "Measurement done".
            let created = try await client.api(.post, "/api/v1/deals", token: token, json: """
                {"title": "Кухня «Модерн»", "company_id": \(company.id), "close_date": "2026-12-20", "probability": 40}
                """)
            #expect(created.status == .created)
            let id = try #require(jsonValue(created.body, "id") as? Int)
            // Manual control lets it skip to "Cost calculated", whose gate wants lines and an amount.
            let refused = try await client.api(.post, "/api/v1/deals/\(id)/move", token: token,
                                               json: #"{"stage_id": \#(stage["Cost calculated"]!)}"#)
            let obstacles = (jsonValue(refused.body, "obstacles") as? [[String: Any]]) ?? []
            #expect(obstacles.compactMap { $0["field"] as? String } == ["line_items"])
            #expect(obstacles.compactMap { $0["condition"] as? String } == ["amount > 0"])
            // The lines sent with the move: 3 × 12 345.67 less 10 %, VAT 20 % on top; 2.5 m at 8 000 with VAT inside.
            let moved = try await client.api(.post, "/api/v1/deals/\(id)/move", token: token, json: """
                {"stage_id": \(stage["Cost calculated"]!), "changes": {"line_items": [
                  {"name": "Шкаф", "quantity": 3, "price": "12345.67", "discount_percent": 10, "tax_percent": 20, "tax_included": false},
                  {"name": "Столешница", "quantity": "2.5", "unit": "пог. м", "price": 8000, "tax_percent": "20"}]}}
                """)
            #expect(moved.status == .ok)
            // 37 037.01 − 3 703.70 = 33 333.31, + 6 666.66 VAT = 39 999.97; + 20 000.00 = 59 999.97.
            #expect(jsonValue(moved.body, "amount") as? String == "59999.97")
            let card = try await client.api(.get, "/api/v1/deals/\(id)", token: token)
            let lines = try #require(jsonValue(card.body, "line_items") as? [[String: Any]])
            #expect(lines.map { $0["total"] as? String } == ["39999.97", "20000.00"])
            #expect(lines.map { $0["tax"] as? String } == ["6666.66", "3333.33"])
            let tasks = try await client.api(.get, "/api/v1/tasks?view=all&link_entity=deal&link_id=\(id)", token: token)
            #expect(tasks.body.contains("Tell the client the cost 59999.97"))
            // Lost wants a reason from the deals' list.
            let noReason = try await client.api(.post, "/api/v1/deals/\(id)/move", token: token,
                                                json: #"{"stage_id": \#(stage["Lost"]!)}"#)
            #expect((jsonValue(noReason.body, "obstacles") as? [[String: Any]])?.first?["kind"] as? String == "reason_required")
            // The board: one deal in "Cost calculated" with its sum.
            let board = try await client.api(.get, "/api/v1/pipelines/\(installed.deal.id)/board", token: token)
            let columns = try #require(jsonValue(board.body, "columns") as? [[String: Any]])
            let column = try #require(columns.first { ($0["stage_id"] as? NSNumber)?.int64Value == stage["Cost calculated"] })
            #expect(column["count"] as? Int == 1 && column["sum"] as? String == "59999.97")
            #expect(((column["cards"] as? [[String: Any]])?.first?["client"] as? String) == "Кухни Люкс")
            let lost = try await client.api(.post, "/api/v1/deals/\(id)/move", token: token,
                                            json: #"{"stage_id": \#(stage["Lost"]!), "reason_id": \#(installed.lostReasons[1].id)}"#)
            #expect(lost.status == .ok)
            let place = try #require(jsonValue(lost.body, "stage") as? [String: Any])
            #expect(place["close_reason_id"] as? Int == Int(installed.lostReasons[1].id) && place["closed_at"] is String)
            // The open list leaves it out; deleting it takes its lines along.
            let open = try await client.api(.get, "/api/v1/deals?open=true", token: token)
            #expect((jsonValue(open.body, "data") as? [Any])?.isEmpty == true)
            #expect(try await client.api(.delete, "/api/v1/deals/\(id)", token: token).status == .noContent)
            #expect(try await client.api(.get, "/api/v1/deals/\(id)", token: token).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_manager_sees_and_moves_only_what_their_role_reaches(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, adminToken) = try await adminWithToken(harness)
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let manager = try await harness.makeUser("manager@test.example", role: .salesManager)
            let managerToken = try await apiToken(harness, for: manager)
            let other = try await harness.services.leads.create(LeadInput.titled("Чужой лид"), by: admin)
            var mine = LeadInput.titled("Мой лид")
            mine.ownerID = manager.id
            let own = try await harness.services.leads.create(mine, by: admin)
            let list = try await client.api(.get, "/api/v1/leads", token: managerToken)
            #expect(list.body.contains("Мой лид") && !list.body.contains("Чужой лид"))
            #expect(try await client.api(.get, "/api/v1/leads/\(other.id)", token: managerToken).status == .notFound)
            let foreignMove = try await client.api(.post, "/api/v1/leads/\(other.id)/move", token: managerToken,
                                                   json: #"{"stage_id": \#(installed.lead.stages[5].id), "reason_id": \#(installed.junkReasons[0].id)}"#)
            #expect(foreignMove.status == .notFound)
            // The board counts only what the manager may read.
            let board = try await client.api(.get, "/api/v1/pipelines/\(installed.lead.id)/board", token: managerToken)
            let columns = try #require(jsonValue(board.body, "columns") as? [[String: Any]])
            #expect(columns.first?["count"] as? Int == 1)
            // Settings are the administrator's.
            let settings = try await client.api(.post, "/api/v1/pipelines/\(installed.lead.id)/stages", token: managerToken,
                                                json: #"{"name": "Мой этап"}"#)
            #expect(settings.status == .forbidden || settings.status == .notFound)
            _ = own
            _ = adminToken
        }
    }
}

extension LeadInput {
    static func titled(_ title: String) -> LeadInput {
        var input = LeadInput()
        input.title = title
        return input
    }
}
