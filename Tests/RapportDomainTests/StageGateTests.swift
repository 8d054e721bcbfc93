import RapportDomain
import Testing

@Suite struct StageGateTests {
    /// The kitchen maker's lead pipeline (PRODUCT.md W): new → client is ours → proposal sent →
    /// measurement scheduled → converted (won) / lost.
    static let stages = [
        StageRule(stageID: 1, position: 0, kind: .open),
        StageRule(stageID: 2, position: 1, kind: .open, requiredFields: ["client_name", "topic", "client_type"]),
        StageRule(stageID: 3, position: 2, kind: .open,
                  condition: try! GateCondition.parse("has(email) and document_sent(\"КП\")")),
        StageRule(stageID: 4, position: 3, kind: .open),
        StageRule(stageID: 5, position: 4, kind: .won, requiredFields: ["object_address"]),
        StageRule(stageID: 6, position: 5, kind: .lost),
    ]

    func obstacles(_ from: Int64?, _ to: Int64, _ mode: ControlMode = .strict, facts: GateFacts = GateFacts(),
                   reason: String? = nil) -> [MoveObstacle] {
        let stage = { (id: Int64) in Self.stages.first { $0.stageID == id } }
        let target = stage(to) ?? StageRule(stageID: to, position: 99, kind: .open)
        return StageGate.obstacles(from: from.flatMap(stage), to: target, in: Self.stages, mode: mode, facts: facts,
                                   lostReason: reason)
    }

    @Test func a_gate_lists_exactly_what_is_missing() {
        // MUT + validation: the qualification gate names its three fields; filled, the move may happen
        #expect(obstacles(1, 2) == [.missingField("client_name"), .missingField("topic"), .missingField("client_type")])
        let qualified = GateFacts(fields: ["client_name": .text("Анна"), "topic": .text("угловая кухня"),
                                           "client_type": .text("end customer")])
        #expect(obstacles(1, 2, facts: qualified).isEmpty)
        // the proposal gate: the e-mail and the sent proposal, each on its own
        #expect(obstacles(2, 3, facts: qualified) == [.unmet(.has(field: "email")), .unmet(.documentSent(template: "КП"))])
        var mailed = qualified
        mailed.fields["email"] = .list([.text("anna@example.com")])
        #expect(obstacles(2, 3, facts: mailed) == [.unmet(.documentSent(template: "КП"))])
    }

    @Test func strict_mode_keeps_the_order_manual_skips_and_none_is_free() {
        // MUT + validation: strict refuses a skip and names the stages skipped; back is allowed
        #expect(obstacles(1, 4) == [.skipsStages([2, 3])])
        #expect(obstacles(4, 1).isEmpty)
        #expect(obstacles(3, 5, facts: GateFacts(fields: ["object_address": .text("Тверская, 1")])) == [.skipsStages([4])])
        // manual lets it skip, but the target's gate still applies; none applies nothing
        #expect(obstacles(1, 3, .manual) == [.unmet(.has(field: "email")), .unmet(.documentSent(template: "КП"))])
        #expect(obstacles(1, 5, .none).isEmpty)
        // a stage of another pipeline is refused whatever the mode
        #expect(obstacles(1, 42, .none) == [.notInPipeline])
    }

    @Test func a_lost_stage_wants_a_reason_from_anywhere() {
        // MUT + validation
        #expect(obstacles(2, 6) == [.reasonRequired])
        #expect(obstacles(2, 6, reason: "  ") == [.reasonRequired])
        #expect(obstacles(2, 6, reason: "не интересно").isEmpty)
        #expect(obstacles(1, 6, .none) == [.reasonRequired])
    }
}

@Suite struct UnreadableConditionTests {
    /// A stored condition changed outside the settings so that it no longer reads keeps every
    /// record out, saying so, instead of letting any in.
    @Test func a_condition_that_no_longer_reads_admits_nothing() {
        let stage = Stage(id: 2, pipelineID: 1, name: "Замер", position: 1, condition: "has(email) and")
        #expect(stage.parsedCondition == nil && stage.rule.unreadableCondition == "has(email) and")
        #expect(stage.unreadableConditionMentions("email") && !stage.unreadableConditionMentions("topic"))
        let first = StageRule(stageID: 1, position: 0, kind: .open)
        let found = StageGate.obstacles(from: first, to: stage.rule, in: [first, stage.rule], mode: .manual,
                                        facts: GateFacts(fields: ["email": .text("a@b.ru")]), lostReason: nil)
        #expect(found == [.conditionUnreadable("has(email) and")])
        #expect(MoveRefusal(stageID: 2, obstacles: found).descriptions(.en).first?.contains("fix it in the settings") == true)
    }
}
