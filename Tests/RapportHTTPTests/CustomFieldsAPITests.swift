import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportStore
import RapportTestSupport
import Testing

@Suite struct CustomFieldsAPITests {
    @Test(arguments: TestDatabase.kinds)
    func fields_are_defined_filled_filtered_and_sorted_through_the_api(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            // setup: two fields
            let budget = try await client.api(.post, "/api/v1/custom-fields", token: token, json: """
                {"entity": "company", "code": "budget", "label": "Бюджет", "type": "money", "filterable": true,
                 "sortable": true, "show_in_list": true}
                """)
            #expect(budget.status == .created)
            #expect(jsonValue(budget.body, "currency") as? String == "RUB")
            let style = try await client.api(.post, "/api/v1/custom-fields", token: token, json: """
                {"entity": "company", "code": "style", "label": "Стиль", "type": "choice",
                 "options": [{"label": "Модерн"}, {"code": "classic", "label": "Классика"}], "filterable": true}
                """)
            #expect(style.status == .created)
            let options = try #require(jsonValue(style.body, "options") as? [[String: String]])
            #expect(options == [["code": "1", "label": "Модерн"], ["code": "classic", "label": "Классика"]])
            // MUT: records with values
            var ids: [Int] = []
            for (name, amount, choice) in [("Альфа", "1 500,50", "classic"), ("Бета", "200", "Модерн"), ("Гамма", nil, "1")] {
                let custom = (amount.map { #""budget": "\#($0)", "# } ?? "") + #""style": "\#(choice)""#
                let created = try await client.api(.post, "/api/v1/companies", token: token,
                                                   json: #"{"short_name": "\#(name)", "custom": {\#(custom)}}"#)
                #expect(created.status == .created, "\(created.body)")
                ids.append(try #require(jsonValue(created.body, "id") as? Int))
            }
            // validation: money comes back as a decimal string, choices as codes
            let first = try await client.api(.get, "/api/v1/companies/\(ids[0])", token: token)
            let custom = try #require(jsonValue(first.body, "custom") as? [String: Any])
            #expect(custom["budget"] as? String == "1500.50")
            #expect(custom["style"] as? String == "classic")
            let sorted = try await client.api(.get, "/api/v1/companies?sort=cf.budget&order=desc", token: token)
            let names = (jsonValue(sorted.body, "data") as? [[String: Any]])?.compactMap { $0["short_name"] as? String }
            #expect(names == ["Альфа", "Бета", "Гамма"])
            let filtered = try await client.api(.get, "/api/v1/companies?cf.style=1&cf.budget.from=100", token: token)
            #expect((jsonValue(filtered.body, "data") as? [[String: Any]])?.map { $0["short_name"] as? String } == ["Бета"])
            // the export has a column per field, filtered like the list
            let csv = try await client.api(.get, "/api/v1/companies/export.csv?cf.style=classic", token: token)
            let lines = csv.body.split(separator: "\r\n").map(String.init)
            #expect(lines.first?.hasSuffix(",budget,style") == true)
            #expect(lines.count == 2 && lines[1].hasSuffix(",1500.50,classic"))
            // the definition list; DELETE archives and the value disappears from the record
            let listed = try await client.api(.get, "/api/v1/custom-fields?entity=company", token: token)
            #expect((jsonValue(listed.body, "data") as? [Any])?.count == 2)
            let styleID = try #require(jsonValue(style.body, "id") as? Int)
            let archived = try await client.api(.delete, "/api/v1/custom-fields/\(styleID)", token: token)
            #expect(archived.status == .noContent)
            let after = try await client.api(.get, "/api/v1/companies/\(ids[0])", token: token)
            #expect((jsonValue(after.body, "custom") as? [String: Any])?["style"] == nil)
            let restored = try await client.api(.post, "/api/v1/custom-fields/\(styleID)/restore", token: token)
            #expect(jsonValue(restored.body, "archived") as? Bool == false)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_custom_input_names_the_field(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            _ = try await client.api(.post, "/api/v1/custom-fields", token: token, json: """
                {"entity": "contact", "code": "size", "label": "Size", "type": "number", "filterable": true}
                """)
            func fields(_ method: HTTPRequest.Method, _ path: String, _ json: String? = nil) async throws -> [String] {
                let answer = try await client.api(method, path, token: token, json: json)
                #expect(answer.status == .unprocessableContent, "\(path) \(json ?? ""): \(answer.status) \(answer.body)")
                return try problem(answer).fields
            }
            #expect(try await fields(.post, "/api/v1/contacts", #"{"first_name": "A", "custom": {"size": "big"}}"#)
                == ["custom.size"])
            #expect(try await fields(.post, "/api/v1/contacts", #"{"first_name": "A", "custom": {"colour": 1}}"#)
                == ["custom.colour"])
            #expect(try await fields(.post, "/api/v1/contacts", #"{"first_name": "A", "custom": {"size": {"a": 1}}}"#)
                == ["custom.size"])
            #expect(try await fields(.post, "/api/v1/contacts", #"{"first_name": "A", "custom": [1]}"#) == ["custom"])
            #expect(try await fields(.get, "/api/v1/contacts?cf.size=big") == ["cf.size"])
            #expect(try await fields(.get, "/api/v1/contacts?cf.colour=1") == ["cf.colour"])
            #expect(try await fields(.get, "/api/v1/contacts?sort=cf.size") == ["sort"])
            #expect(try await fields(.post, "/api/v1/custom-fields",
                                     #"{"entity": "contact", "code": "size", "label": "Again", "type": "text"}"#) == ["code"])
            #expect(try await fields(.post, "/api/v1/custom-fields",
                                     #"{"entity": "contact", "code": "x", "label": "X", "type": "text", "colour": 1}"#)
                == ["colour"])
            // nothing was created by the refused calls
            let contacts = try await client.api(.get, "/api/v1/contacts", token: token)
            #expect((jsonValue(contacts.body, "data") as? [Any])?.isEmpty == true)
        }
    }
}
