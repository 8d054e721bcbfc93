import RapportDomain
import Testing

@Suite struct PlaceholdersTests {
    @Test func a_template_is_filled_with_the_record_s_fields() throws {
        let task = try Placeholders("Перезвонить {{client_name}} по номеру {{ Phone }}: {{cf.topic}}{{missing}}.")
        // MUT + validation
        #expect(task.fields == ["client_name", "phone", "cf.topic", "missing"])
        #expect(task.render(["client_name": "Анне", "phone": "+7 916 123-45-67", "cf.topic": "угловая кухня"])
            == "Перезвонить Анне по номеру +7 916 123-45-67: угловая кухня.")
        // single braces and text without placeholders are kept as written
        #expect(try Placeholders("{a} } {").render([:]) == "{a} } {")
        #expect(try Placeholders("").render(["x": "y"]) == "")
    }

    @Test func a_placeholder_that_cannot_be_read_is_refused_with_its_position() {
        func failure(_ text: String) -> SyntaxError? {
            do {
                _ = try Placeholders(text)
                return nil
            } catch {
                return error
            }
        }
        // MUT + validation
        #expect(failure("Звонок {{client_name")?.position == 8)
        #expect(failure("{{}}")?.position == 1)
        #expect(failure("x {{1abc}}")?.position == 3)
        #expect(failure("x {{a b}}")?.message.contains("a b") == true)
        #expect(failure("{{client.}}")?.position == 1)
    }
}
