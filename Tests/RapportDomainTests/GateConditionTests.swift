import Foundation
import RapportDomain
import Testing

@Suite struct GateConditionTests {
    @Test func conditions_are_read_with_and_binding_tighter_than_or() throws {
        // MUT + validation
        #expect(try GateCondition.parse("has(email) and document_sent(\"КП\")")
            == .all([.has(field: "email"), .documentSent(template: "КП")]))
        #expect(try GateCondition.parse("amount > 0 or client_type = \"dealer\" and not has(cf.refusal)")
            == .any([.compare(field: "amount", .greater, .number(0)),
                     .all([.compare(field: "client_type", .equal, .text("dealer")), .not(.has(field: "cf.refusal"))])]))
        #expect(try GateCondition.parse("(amount >= 1500.50 or vip = true) and stage_tasks_done()")
            == .all([.any([.compare(field: "amount", .greaterOrEqual, .number(Decimal(string: "1500.50")!)),
                           .compare(field: "vip", .equal, .bool(true))]), .stageTasksDone]))
        // words in any case; a field's code is kept in lower case
        #expect(try GateCondition.parse("HAS(Email) AND Stage_Tasks_Done()") == .all([.has(field: "email"), .stageTasksDone]))
        #expect(try GateCondition.parse("discount != -5") == .compare(field: "discount", .notEqual, .number(-5)))
        #expect(try GateCondition.parse("topic = \"say \\\"hi\\\"\"") == .compare(field: "topic", .equal, .text("say \"hi\"")))
    }

    @Test func a_condition_written_back_reads_the_same() throws {
        for text in ["has(email) and document_sent(\"Proposal\")",
                     "amount > 0 or client_type = \"dealer\" and not has(cf.refusal)",
                     "(a = 1 or b = 2) and not (c <= 3 and d != \"x\\\"y\")",
                     "stage_tasks_done() and vip = false"] {
            let condition = try GateCondition.parse(text)
            // MUT + validation
            #expect(try GateCondition.parse(condition.text) == condition, "\(text) → \(condition.text)")
        }
        #expect(try GateCondition.parse("has(email) and cf.budget > 1 and not (topic = \"a\" or has(phone))").fields
            == ["email", "cf.budget", "topic", "phone"])
    }

    @Test func what_cannot_be_read_is_refused_with_its_position() {
        func failure(_ text: String) -> SyntaxError? {
            do {
                _ = try GateCondition.parse(text)
                return nil
            } catch {
                return error
            }
        }
        // MUT + validation: each bad text names where it went wrong
        #expect(failure("has(email) and")?.position == 15)
        #expect(failure("has(email) and")?.message.contains("found the end") == true)
        #expect(failure("amount > > 0")?.position == 10)
        #expect(failure("amount 0")?.position == 8)
        #expect(failure("document_sent(КП)")?.position == 15)
        #expect(failure("topic = \"open")?.position == 9)
        #expect(failure("amount # 3")?.position == 8)
        #expect(failure("has(and)")?.position == 5)
        #expect(failure("amount = 1.2.3")?.position == 10)
        #expect(failure("amount = 1 1")?.position == 12)
        #expect(failure("(has(email)")?.position == 12)
        #expect(failure("")?.position == 1)
        #expect(failure("amount =< 1")?.position == 9)
        #expect(failure("cf. = 1")?.position == 1)
    }

    @Test func a_condition_is_judged_against_the_record_and_says_what_fails() throws {
        let gate = try GateCondition.parse("has(email) and document_sent(\"КП\") and amount > 0 and (vip = true or client_type = \"dealer\")")
        var facts = GateFacts(fields: ["amount": .number(5), "client_type": .text("Dealer"), "email": .list([])])
        // MUT + validation: the parts that fail are listed, each on its own
        #expect(!gate.holds(for: facts))
        #expect(gate.unmet(for: facts) == [.has(field: "email"), .documentSent(template: "КП")])
        facts.fields["email"] = .list([.text("client@example.com")])
        facts.sentTemplates = ["кп"]
        #expect(gate.holds(for: facts) && gate.unmet(for: facts).isEmpty)
        facts.fields["client_type"] = .text("end customer")
        #expect(gate.unmet(for: facts) == [.any([.compare(field: "vip", .equal, .bool(true)),
                                                 .compare(field: "client_type", .equal, .text("dealer"))])])
        // a field without a value meets no comparison, `!=` included; an empty text is no value
        #expect(!(try GateCondition.parse("region != \"Москва\"")).holds(for: GateFacts()))
        #expect(!(try GateCondition.parse("has(topic)")).holds(for: GateFacts(fields: ["topic": .text("  ")])))
        // a field of several values meets `=` when one of them does, `!=` when none does
        let tags = GateFacts(fields: ["tags": .list([.text("vip"), .text("loft")])])
        #expect(try GateCondition.parse("tags = \"LOFT\"").holds(for: tags))
        #expect(!(try GateCondition.parse("tags != \"loft\"")).holds(for: tags))
        // values of other kinds do not compare; yes/no only for equality
        #expect(!(try GateCondition.parse("amount = \"5\"")).holds(for: GateFacts(fields: ["amount": .number(5)])))
        #expect(!(try GateCondition.parse("vip > false")).holds(for: GateFacts(fields: ["vip": .bool(true)])))
        #expect(try GateCondition.parse("stage_tasks_done()").holds(for: GateFacts(stageTasksDone: true)))
    }
}
