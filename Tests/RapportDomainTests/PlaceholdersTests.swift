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

    @Test func sections_repeat_for_each_item_and_values_are_escaped_for_html() throws {
        let text = """
            <p>{{client.salutation}}</p><table>{{#line_items}}<tr><td>{{position}}</td><td>{{name}}</td><td>{{ total }}</td></tr>{{/line_items}}</table>{{totals.total}}
            """
        let template = try Placeholders(text)
        #expect(template.fields == ["client.salutation", "totals.total"])
        #expect(template.sections == ["line_items": ["position", "name", "total"]])
        #expect(template.position(of: "totals.total") == text.distance(from: text.startIndex, to: text.range(of: "{{totals.total}}")!.lowerBound) + 1)
        #expect(template.position(of: "client.salutation") == 4)
        let html = template.render(["client.salutation": "Уважаемая Анна <Ивановна>", "totals.total": "265 000,50 ₽"],
                                   lists: ["line_items": [["position": "1", "name": "Кухня & монтаж", "total": "250 000,00 ₽"],
                                                          ["position": "2", "name": "Доставка", "total": "15 000,50 ₽"]]],
                                   escape: { $0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;") })
        #expect(html == "<p>Уважаемая Анна &lt;Ивановна></p><table><tr><td>1</td><td>Кухня &amp; монтаж</td><td>250 000,00 ₽</td></tr><tr><td>2</td><td>Доставка</td><td>15 000,50 ₽</td></tr></table>265 000,50 ₽")
        // A section not closed, or closed by another name, is refused where it opens or closes.
        func failure(_ text: String) -> SyntaxError? {
            do { _ = try Placeholders(text); return nil } catch { return error }
        }
        #expect(failure("a {{#line_items}} b")?.position == 3)
        #expect(failure("{{#items}}x{{/line_items}}")?.position == 12)
        #expect(failure("x {{/items}}")?.position == 3)
    }
}
