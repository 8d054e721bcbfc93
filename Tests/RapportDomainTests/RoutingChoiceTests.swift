import Foundation
import RapportDomain
import Testing

/// The choice a routing rule makes among the people of its pool.
@Suite struct RoutingChoiceTests {
    let anna = RoutingCandidate(userID: 1, name: "Анна", openLeads: 3)
    let boris = RoutingCandidate(userID: 2, name: "Борис", openLeads: 1)
    let vera = RoutingCandidate(userID: 3, name: "Вера", openLeads: 1)

    @Test func in_turn_goes_round_the_pool_skipping_who_is_away() {
        let pool = [anna, boris, vera]
        #expect(RoutingChoice.choose(.roundRobin, among: pool, lastUserID: nil)?.userID == 1)
        #expect(RoutingChoice.choose(.roundRobin, among: pool, lastUserID: 1)?.userID == 2)
        #expect(RoutingChoice.choose(.roundRobin, among: pool, lastUserID: 3)?.userID == 1)
        var away = boris
        away.absence = .away
        #expect(RoutingChoice.choose(.roundRobin, among: [anna, away, vera], lastUserID: 1)?.userID == 3)
        // The one chosen last has left the pool: from the top.
        #expect(RoutingChoice.choose(.roundRobin, among: pool, lastUserID: 99)?.userID == 1)
    }

    @Test func least_loaded_takes_the_fewest_open_leads_then_the_lowest_id() {
        #expect(RoutingChoice.choose(.leastLoaded, among: [anna, boris, vera], lastUserID: nil)
            == RoutingChoice(userID: 2, reason: .leastLoaded(openLeads: 1)))
        var busy = boris
        busy.absence = .busy
        #expect(RoutingChoice.choose(.leastLoaded, among: [anna, busy, vera], lastUserID: nil)?.userID == 3)
    }

    @Test func first_available_keeps_the_pools_order_and_nobody_is_nil() {
        var off = anna
        off.absence = .offHours
        #expect(RoutingChoice.choose(.firstAvailable, among: [off, vera, boris], lastUserID: nil)?.userID == 3)
        var gone = vera
        gone.absence = .disabled
        #expect(RoutingChoice.choose(.leastLoaded, among: [off, gone], lastUserID: nil) == nil)
        #expect(RoutingChoice.choose(.roundRobin, among: [], lastUserID: nil) == nil)
    }

    @Test func the_history_says_who_and_why() {
        let choice = RoutingChoice(userID: 2, reason: .leastLoaded(openLeads: 1))
        #expect(choice.explanation(rule: "Все лиды", name: "Борис", .ru) == "Правило «Все лиды»: Борис — меньше всех открытых лидов (1)")
        #expect(RoutingChoice(userID: 9, reason: .fallback(absent: 3)).explanation(rule: "All", name: "Duty", .en)
            == "Rule “All”: Duty — fallback: none of the 3 in the pool can take it now")
    }

    @Test func a_rule_applies_by_its_condition() {
        let facts = GateFacts(fields: ["amount": .number(150_000), "source": .text("phone")], workingTime: true)
        #expect(RoutingRule(name: "every lead").applies(to: facts))
        #expect(RoutingRule(name: "large", condition: "amount > 100000").applies(to: facts))
        #expect(!RoutingRule(name: "small", condition: "amount <= 100000").applies(to: facts))
        #expect(RoutingRule(name: "calls in hours", condition: "source = \"phone\" and working_time()").applies(to: facts))
        #expect(!RoutingRule(name: "off", active: false).applies(to: facts))
        // A stored condition that no longer reads takes nothing.
        #expect(!RoutingRule(name: "broken", condition: "amount >").applies(to: facts))
    }
}
