import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import RapportHTTP
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct ClientsAPITests {
    @Test(arguments: TestDatabase.kinds)
    func a_company_round_trips_through_the_api(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            // MUT
            let created = try await client.api(.post, "/api/v1/companies", token: token, json: """
                {"short_name": "Кухни Люкс", "inn": "7707 083 893", "kpp": "773601001", "kind": "dealer",
                 "channels": [{"kind": "phone", "type": "work", "value": "8 (495) 123-45-67"}],
                 "addresses": [{"kind": "legal", "text": "Москва"}], "bank_account": {"bik": "044525225"},
                 "birthday": "2010-05-17"}
                """)
            // validation
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try #require(jsonValue(created.body, "id") as? Int)
            let fetched = try await client.api(.get, "/api/v1/companies/\(id)", token: token)
            let object = try #require(jsonObject(fetched.body))
            #expect(object["inn"] as? String == "7707083893")
            #expect(object["kind"] as? String == "dealer")
            #expect(object["full_name"] is NSNull)
            let channels = try #require(object["channels"] as? [[String: Any]])
            #expect(channels.first?["normalized"] as? String == "+74951234567")
            let listed = try await client.api(.get, "/api/v1/companies?q=%D0%BA%D1%83%D1%85&kind=dealer", token: token)
            #expect((jsonValue(listed.body, "data") as? [Any])?.count == 1)
            #expect(jsonObject(listed.body)?["next_cursor"] is NSNull)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_client_input_names_the_field(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            func fields(_ json: String, _ path: String = "/api/v1/companies") async throws -> [String] {
                let answer = try await client.api(.post, path, token: token, json: json)
                #expect(answer.status == .unprocessableContent, "\(json): \(answer.status)")
                return try problem(answer).errors?.map(\.field) ?? []
            }
            #expect(try await fields(#"{"short_name": "A", "inn": "7707083894"}"#) == ["inn"])
            #expect(try await fields(#"{"short_name": "A", "kind": "friend"}"#) == ["kind"])
            #expect(try await fields(#"{"inn": "7707083893"}"#) == ["short_name"])
            #expect(try await fields(#"{"short_name": "A", "channels": [{"kind": "fax", "value": "1"}]}"#) == ["channels[0].kind"])
            #expect(try await fields(#"{"short_name": "A", "birthday": "2023-02-30"}"#) == ["birthday"])
            #expect(try await fields(#"{"short_name": "A", "owner_id": 424242}"#) == ["owner_id"])
            #expect(try await fields(#"{"first_name": "Иван", "companies": [{"company_id": 999}]}"#, "/api/v1/contacts")
                    == ["companies[0].company_id"])
            #expect(try await fields(#"{"last_name": "Иванов"}"#, "/api/v1/contacts") == ["first_name"])
            #expect(try await fields(#"{"first_name": "Иван", "surname": "x"}"#, "/api/v1/contacts") == ["surname"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func clients_of_another_salon_are_404_and_filters_are_bound(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id)
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager,
                                                                               department: b.id))
            let hidden = try await harness.services.companies.create(.init(shortName: "Чужой"), by: boris)
            let token = try await apiToken(harness, for: anna)
            #expect(try await client.api(.get, "/api/v1/companies/\(hidden.id)", token: token).status == .notFound)
            #expect(try await client.api(.patch, "/api/v1/companies/\(hidden.id)", token: token,
                                         json: #"{"region": "x"}"#).status == .notFound)
            for q in ["%27%20OR%201%3D1%20--", "%25", "_", "%22%3B%20DROP%20TABLE%20companies%3B%20--"] {
                let answer = try await client.api(.get, "/api/v1/companies?q=\(q)", token: token)
                #expect(answer.status == .ok)
                #expect((jsonValue(answer.body, "data") as? [Any])?.isEmpty == true, "q=\(q)")
            }
            #expect(try await client.api(.get, "/api/v1/companies?kind=%27x", token: token).status == .unprocessableContent)
        }
    }
}

@Suite struct DuplicateAPITests {
    @Test(arguments: TestDatabase.kinds)
    func a_duplicate_is_a_409_listing_the_matches_until_allowed(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            let body = #"{"short_name": "Кухни Люкс", "inn": "7707083893"}"#
            #expect(try await client.api(.post, "/api/v1/companies", token: token, json: body).status == .created)
            let again = try await client.api(.post, "/api/v1/companies", token: token, json: body)
            #expect(again.status == .conflict)
            #expect(isProblem(again))
            let duplicates = try #require(jsonObject(again.body)?["duplicates"] as? [[String: Any]])
            #expect(duplicates.first?["reasons"] as? [String] == ["tax_id", "name"])
            let forced = try await client.api(.post, "/api/v1/companies?allow_duplicates=true", token: token, json: body)
            #expect(forced.status == .created)
        }
    }
}

@Suite struct RelationshipAPITests {
    @Test(arguments: TestDatabase.kinds)
    func ties_are_added_listed_from_both_sides_and_removed(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            let parent = try await harness.services.companies.create(.init(shortName: "Холдинг"), by: admin)
            let child = try await harness.services.companies.create(.init(shortName: "Салон"), by: admin)
            let added = try await client.api(.post, "/api/v1/companies/\(parent.id)/relationships", token: token,
                                             json: #"{"to_id": \#(child.id), "kind": "parent", "note": "100 %"}"#)
            #expect(added.status == .created)
            #expect(jsonValue(added.body, "other_name") as? String == "Салон")
            let id = try #require(jsonValue(added.body, "id") as? Int)
            let fromChild = try await client.api(.get, "/api/v1/companies/\(child.id)/relationships", token: token)
            let ties = try #require(jsonValue(fromChild.body, "data") as? [[String: Any]])
            #expect(ties.first?["other_name"] as? String == "Холдинг")
            #expect(ties.first?["outgoing"] as? Bool == false)
            let bad = try await client.api(.post, "/api/v1/companies/\(parent.id)/relationships", token: token,
                                           json: #"{"to_id": \#(child.id), "kind": "family"}"#)
            #expect(try problem(bad).errors?.map(\.field) == ["kind"])
            #expect(try await client.api(.delete, "/api/v1/companies/\(child.id)/relationships/\(id)", token: token).status
                    == .noContent)
            #expect(try await client.api(.delete, "/api/v1/companies/\(child.id)/relationships/\(id)", token: token).status
                    == .notFound)
        }
    }
}

@Suite struct MergeAPITests {
    @Test(arguments: TestDatabase.kinds)
    func merge_keeps_the_survivor_and_removes_the_duplicate(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            let survivor = try await harness.services.companies.create(.init(shortName: "Люкс"), by: admin)
            let duplicate = try await harness.services.companies.create(.init(shortName: "Люкс 2", inn: "7707083893"),
                                                                        allowDuplicates: true, by: admin)
            let merged = try await client.api(.post, "/api/v1/companies/\(survivor.id)/merge", token: token,
                                              json: #"{"duplicate_id": \#(duplicate.id), "take": ["inn"]}"#,
                                              headers: [.ifMatch: "\"1\""])
            #expect(merged.status == .ok)
            #expect(jsonValue(merged.body, "inn") as? String == "7707083893")
            #expect(merged.headers[.eTag] == "\"2\"")
            #expect(try await client.api(.get, "/api/v1/companies/\(duplicate.id)", token: token).status == .notFound)
            let again = try await client.api(.post, "/api/v1/companies/\(survivor.id)/merge", token: token,
                                             json: #"{"duplicate_id": \#(survivor.id)}"#)
            #expect(try problem(again).errors?.map(\.field) == ["duplicate_id"])
            let badField = try await client.api(.post, "/api/v1/companies/\(survivor.id)/merge", token: token,
                                                json: #"{"duplicate_id": 999, "take": ["channels"]}"#)
            #expect(badField.status == .unprocessableContent)
        }
    }
}

@Suite struct ExportAPITests {
    @Test(arguments: TestDatabase.kinds)
    func exports_follow_the_export_right(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            _ = try await harness.services.companies.create(.init(shortName: "Кухни, Люкс", inn: "7707083893"), by: admin)
            _ = try await harness.services.contacts.create(
                .init(firstName: "Анна", lastName: "Морозова", channels: [.init(kind: .phone, value: "8 916 123 45 67")]),
                by: admin)
            let marketer = try await apiToken(harness, for: try await harness.makeUser("m@x.example", role: .marketer))
            let manager = try await apiToken(harness, for: try await harness.makeUser("s@x.example", role: .salesManager))
            // MUT + validation: the marketer may export everything
            let csv = try await client.api(.get, "/api/v1/companies/export.csv", token: marketer)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("companies.csv") == true)
            let lines = csv.body.components(separatedBy: "\r\n")
            #expect(lines.first?.hasPrefix("\u{FEFF}id,short_name") == true)
            #expect(lines.contains { $0.contains("\"Кухни, Люкс\"") && $0.contains("7707083893") })
            let vcf = try await client.api(.get, "/api/v1/contacts/export.vcf", token: marketer)
            #expect(vcf.headers[.contentType] == "text/vcard; charset=utf-8")
            #expect(vcf.body.contains("TEL:+79161234567"))
            // a sales manager has no export right: refused, nothing leaks
            let refused = try await client.api(.get, "/api/v1/contacts/export.csv", token: manager)
            #expect(refused.status == .forbidden || refused.status == .notFound)
            #expect(!refused.body.contains("Морозова"))
            // the export route is not mistaken for a record id
            #expect(try await client.api(.get, "/api/v1/companies/export.csv?q=%27", token: marketer).status == .ok)
            // XLSX: a workbook whose sheet reads back as the same table
            let workbook = try await client.execute(uri: "/api/v1/companies/export.xlsx?q=Кухни".addingPercentEncoding(
                withAllowedCharacters: .urlQueryAllowed)!, method: .get, headers: [.authorization: "Bearer \(marketer)"]) {
                ($0.status, $0.headers[.contentType], Data(buffer: $0.body))
            }
            #expect(workbook.0 == .ok && workbook.1 == ExportFormat.xlsx.contentType)
            let rows = try XLSXFile.rows(workbook.2)
            #expect(rows.count == 2 && rows[0].prefix(3) == ["id", "short_name", "full_name"])
            #expect(rows[1][1] == "Кухни, Люкс" && rows[1][5] == "7707083893")
            // vCard 4.0 on request; an unknown version names the parameter
            let v4 = try await client.api(.get, "/api/v1/contacts/export.vcf?version=4.0", token: marketer)
            #expect(v4.body.contains("VERSION:4.0") && v4.body.contains("TEL;VALUE=uri:tel:+79161234567"))
            let badVersion = try await client.api(.get, "/api/v1/contacts/export.vcf?version=2.1", token: marketer)
            #expect(badVersion.status == .unprocessableContent && badVersion.body.contains("version"))
            #expect(try await client.api(.get, "/api/v1/companies/export.vcf", token: marketer).status == .notFound)
            #expect(try await client.api(.get, "/api/v1/contacts/export.xlsx", token: manager).status != .ok)
        }
    }

    @Test func an_exported_file_is_gone_from_the_disk_once_its_answer_starts() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-export-test-\(UUID().uuidString)")
        try Data("id,name\r\n1,Кухни\r\n".utf8).write(to: url)
        let response = try ExportAPI.stream(url, type: ExportFormat.csv.contentType, name: "companies.csv")
        #expect(!FileManager.default.fileExists(atPath: url.path))
        #expect(response.headers[.contentLength] == String("id,name\r\n1,Кухни\r\n".utf8.count))
        #expect(response.headers[.contentDisposition] == "attachment; filename=\"companies.csv\"")
    }
}
