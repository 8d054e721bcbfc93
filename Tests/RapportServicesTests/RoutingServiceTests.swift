import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Leads that came by themselves are given out by the routing rules, in order; the history
/// says which rule chose whom and why; when no one can take a lead, the fallback does and
/// the head is told.
@Suite struct RoutingServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func leads_are_given_out_by_the_rules(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            _ = try await harness.services.settings.update(.init(name: "Кухни", locale: "ru"), expectedVersion: nil, by: admin)
            let sales = try await harness.department("Продажи")
            let office = try await harness.department("Офис")
            let head = try await harness.makeUser("head@x.example", role: .headOfSales, department: sales.id, first: "Глеб", last: "Главный")
            _ = try await harness.services.departments.update(sales.id, .init(name: "Продажи", headUserID: head.id), expectedVersion: nil,
                                                              by: admin)
            let anna = try await harness.makeUser("anna@x.example", role: .salesManager, department: sales.id, first: "Анна", last: "Лисова")
            let boris = try await harness.makeUser("boris@x.example", role: .salesManager, department: sales.id, first: "Борис", last: "Котов")
            let duty = try await harness.makeUser("duty@x.example", role: .salesManager, department: office.id, first: "Дина", last: "Дежурная")
            let routing = harness.services.routing
            _ = try await routing.create(RoutingRuleInput(name: "Крупные заказы", condition: "amount > 100000",
                                                          pool: .init(userIDs: [head.id]), strategy: "first_available"), by: admin)
            _ = try await routing.create(RoutingRuleInput(name: "Все лиды", pool: .init(departmentID: sales.id), strategy: "least_loaded",
                                                          fallbackUserID: duty.id), by: admin)
            func lead(_ amount: String? = nil) async throws -> Lead {
                var input = LeadInput()
                input.phones = ["+7 916 555-\(Int.random(in: 10...99))-\(Int.random(in: 10...99))"]
                input.source = "phone"
                input.amount = amount.map(MoneyText.init)
                return try await harness.services.leads.create(input, by: nil)
            }
            func why(_ lead: Lead) async throws -> String? {
                try await harness.services.leads.history(lead.id, page: .init(), by: admin).items
                    .flatMap(\.changes).first { $0.field == "routing" }?.new
            }

            let large = try await lead("150000")
            #expect(large.ownerID == head.id)
            #expect(try await why(large) == "Правило «Крупные заказы»: Глеб Главный — первый свободный")
            // Least loaded among the department: the head has one open lead now, Anna and Boris none.
            let first = try await lead(), second = try await lead()
            #expect([first.ownerID, second.ownerID] == [anna.id, boris.id])
            #expect(try await why(second) == "Правило «Все лиды»: Борис Котов — меньше всех открытых лидов (0)")

            // Everyone away or off: the fallback takes it and the head is told.
            for (user, status) in [(anna, "away"), (boris, "off"), (head, "busy")] {
                _ = try await harness.services.users.update(user.id, UserInput(workingStatus: status), expectedVersion: nil, by: admin)
            }
            let late = try await lead()
            #expect(late.ownerID == duty.id)
            #expect(try await why(late) == "Правило «Все лиды»: Дина Дежурная — запасной: никто из 3 не может принять сейчас")
            let told = try await harness.services.notifications.list(page: .init(), by: try await harness.principal(head)).items
            #expect(told.contains { $0.kind == "routing_fallback" && $0.link == "/leads/\(late.id)" })

            // Outside working hours is away too: Anna back, but her day ended an hour ago.
            _ = try await harness.services.users.update(anna.id, UserInput(workingStatus: "available", workingHours: "пн-вс 00:00-01:00"),
                                                        expectedVersion: nil, by: admin)
            #expect(try await lead().ownerID == duty.id)
            // A lead made by a person stays theirs: rules are for what came by itself.
            var mine = LeadInput()
            mine.title = "Сам записал"
            #expect(try await harness.services.leads.create(mine, by: admin).ownerID == admin.userID)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_rules_are_refused_with_the_field_named(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            let manager = try await harness.principal(try await harness.makeUser("m@x.example", role: .salesManager))
            let gone = try await harness.makeUser("gone@x.example", role: .salesManager)
            _ = try await harness.services.users.disable(gone.id, by: admin)
            let routing = harness.services.routing
            func refusal(_ input: RoutingRuleInput, by principal: Principal? = nil) async -> [String] {
                do { _ = try await routing.create(input, by: principal ?? admin); return [] } catch { return fieldCodes(error) }
            }
            let pool = RoutingRuleInput.PoolInput(userIDs: [admin.userID])
            #expect(await refusal(RoutingRuleInput(pool: pool)) == ["name:required"])
            #expect(await refusal(RoutingRuleInput(name: "x")) == ["pool:required"])
            #expect(await refusal(RoutingRuleInput(name: "x", pool: .init())) == ["pool:required"])
            #expect(await refusal(RoutingRuleInput(name: "x", condition: "amount >", pool: pool)) == ["condition:syntax"])
            #expect(await refusal(RoutingRuleInput(name: "x", condition: "budget > 5", pool: pool)) == ["condition:unknown_field"])
            #expect(await refusal(RoutingRuleInput(name: "x", pool: .init(userIDs: [admin.userID, 999], departmentID: 998, roleID: 997)))
                == ["pool.user_ids[1]:not_found", "pool.department_id:not_found", "pool.role_id:not_found"])
            #expect(await refusal(RoutingRuleInput(name: "x", pool: pool, strategy: "random")) == ["strategy:invalid"])
            #expect(await refusal(RoutingRuleInput(name: "x", pool: pool, fallbackUserID: gone.id)) == ["fallback_user_id:not_found"])
            #expect(await refusal(RoutingRuleInput(name: "x", pool: pool), by: manager) == ["\(RapportError.forbidden)"])
            #expect(try await routing.list(by: admin).isEmpty)

            // A pool with no one and no fallback passes the lead on to the next rule.
            let empty = try await harness.department("Пусто")
            _ = try await routing.create(RoutingRuleInput(name: "Пустой", pool: .init(departmentID: empty.id)), by: admin)
            _ = try await routing.create(RoutingRuleInput(name: "Запасное", pool: .init(userIDs: [admin.userID])), by: admin)
            var input = LeadInput()
            input.title = "Звонок"
            #expect(try await harness.services.leads.create(input, by: nil).ownerID == admin.userID)
            // No rule at all takes it: the channel has to say who.
            for rule in try await routing.list(by: admin) { try await routing.delete(rule.id, expectedVersion: nil, by: admin) }
            await #expect(throws: RapportError.invalid("owner_id", "required", "owner_id is required: no routing rule takes this lead")) {
                try await harness.services.leads.create(input, by: nil)
            }
        }
    }
}
