import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The board's column figures come from `stage_totals`, kept by triggers: after every kind of
/// change — creating, moving, a new responsible, a new amount, deleting, a stage deleted with
/// its records moved, a bulk insert — they equal the count of the records themselves.
@Suite struct StageTotalsTests {
    @Test(arguments: TestDatabase.kinds)
    func stage_totals_follow_every_change(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let other = try await harness.makeUser("other@test.example")
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let deals = harness.services.deals
            let stages = installed.deal.stages
            func check(_ step: String) async throws {
                let (counted, scanned) = try await harness.services.env.database.read { db in
                    let store = PipelineListStore()
                    let query = PipelineRecordQuery(pipelineID: installed.deal.id)
                    var scan = query
                    scan.text = " "  // no filter, but counts the records themselves
                    return (try await store.totals(.deal, query, scope: .all, subject: admin.subject, on: db),
                            try await store.totals(.deal, scan, scope: .all, subject: admin.subject, on: db))
                }
                #expect(counted.filter { $0.value.count != 0 } == scanned, "after \(step)")
            }
            var made: [Deal] = []
            for index in 0..<6 {
                var input = DealInput()
                input.title = "Кухня \(index)"
                input.amount = MoneyText(String(100_000 + index * 1_000))
                input.ownerID = index % 2 == 0 ? admin.userID : other.id
                made.append(try await deals.create(input, by: admin))
            }
            try await check("creating")
            _ = try await deals.move(made[0].id, to: stages[2].id, expectedVersion: nil, by: admin)
            _ = try await deals.move(made[1].id, to: stages[3].id, expectedVersion: nil, by: admin)
            try await check("moving")
            var owner = DealInput()
            owner.ownerID = other.id
            _ = try await deals.update(made[2].id, owner, expectedVersion: nil, by: admin)
            var amount = DealInput()
            amount.lineItems = [LineItemInput(name: "Фасады", quantity: "2", price: "45000.50")]
            _ = try await deals.update(made[3].id, amount, expectedVersion: nil, by: admin)
            try await check("a new responsible and a new amount")
            try await deals.delete(made[4].id, expectedVersion: nil, by: admin)
            try await check("deleting")
            try await harness.services.pipelines.deleteStage(stages[2].id, moveTo: stages[0].id, by: admin)
            try await check("a stage deleted with its records moved")
            _ = try await DealGenerator(env: harness.services.env).fill(deals: 40)
            try await check("a bulk insert")
            _ = try await DealGenerator(env: harness.services.env).fill(deals: 30)
            try await check("another bulk insert")
            let board = try await harness.services.boards.board(.deal, PipelineRecordQuery(pipelineID: installed.deal.id), by: admin)
            #expect(board.columns.reduce(0) { $0 + $1.count } == 75)
            // A full column shows its newest cards; its cursor continues in the list of that stage.
            let full = try #require(board.columns.first { $0.count > BoardService.cardsPerColumn })
            #expect(full.cards.count == BoardService.cardsPerColumn)
            let rest = try await deals.list(PipelineRecordQuery(pipelineID: installed.deal.id, stageID: full.stage.id),
                                            page: PageRequest(limit: 500, cursor: full.next), by: admin).items
            #expect(rest.count == full.count - BoardService.cardsPerColumn)
            #expect(Set(rest.map(\.id)).isDisjoint(with: full.cards.map(\.id)))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_deal_is_made_from_an_interaction_about_its_client(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            let company = try await harness.services.companies.create(.init(shortName: "Кухни Люкс"), by: admin)
            let person = try await harness.services.contacts.create(.init(firstName: "Ирина", lastName: "Котова"), by: admin)
            let call = try await harness.services.interactions.create(InteractionInput(
                kind: "call", subject: "Заказ угловой кухни", status: "held",
                participants: [.init(kind: "contact", id: person.contact.id)], linkEntity: "company", linkID: company.id), by: admin)
            let deal = try await harness.services.deals.create(fromInteraction: call.id, by: admin)
            #expect(deal.title == "Заказ угловой кухни" && deal.companyID == company.id && deal.contactID == person.contact.id)
            #expect(deal.ownerID == admin.userID)
            let history = try await harness.services.interactions.history(call.id, page: .init(), by: admin).items
            #expect(history.contains { $0.changes.contains { $0.field == "deal" && $0.new == "Заказ угловой кухни" } })
            // Someone who may not read the interaction cannot make a deal out of it.
            let stranger = try await harness.principal(try await harness.makeUser("stranger@test.example", role: .fieldTechnician))
            await #expect(throws: RapportError.self) { try await harness.services.deals.create(fromInteraction: call.id, by: stranger) }
        }
    }
}
