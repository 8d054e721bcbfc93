import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// The conventions every API route shares: machine endpoints, authentication, JSON bodies,
/// validation problems, pagination, and filters that never reach SQL as text.
@Suite struct APIConventionsTests {
    // MARK: Machine endpoints

    @Test(arguments: TestDatabase.kinds)
    func health_answers_ok_without_signing_in(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { _, client in
            let answer = try await send(client, .get, "/health")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(jsonValue(answer.body, "status") as? String == "ok")
            #expect(!(answer.headers[requestIDHeader] ?? "").isEmpty, "every answer carries X-Request-ID")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func metrics_are_prometheus_text_and_count_requests(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { _, client in
            // The first scrape makes sure the metrics backend is running before the request we count.
            let first = try await send(client, .get, "/metrics")
            #expect(first.status == .ok)
            let health = try await send(client, .get, "/health")
            #expect(health.status == .ok)
            let answer = try await send(client, .get, "/metrics")
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType]?.hasPrefix("text/plain") == true)
            let counterLines = answer.body.split(separator: "\n").filter { $0.hasPrefix("hb_requests{") }
            let healthCounted = counterLines.contains { $0.contains("health") }
            #expect(healthCounted, "no request counter line for /health in:\n\(answer.body)")
        }
    }

    // MARK: Authentication

    @Test(arguments: TestDatabase.kinds)
    func no_credentials_is_401_with_challenge(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser("admin@test.example")
            let answer = try await client.api(.get, "/api/v1/users", token: nil)
            #expect(answer.status == .unauthorized)
            #expect(answer.headers[.wwwAuthenticate] == "Bearer")
            let doc = try problem(answer)
            #expect(doc.status == 401)
            #expect(doc.type.hasSuffix("/unauthenticated"))
            #expect(!answer.body.contains("admin@test.example"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_valid_token_is_accepted(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let answer = try await client.api(.get, "/api/v1/me", token: admin.token)
            #expect(answer.status == .ok)
            #expect(jsonValue(answer.body, "email") as? String == "admin@test.example")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func garbage_and_malformed_credentials_are_401(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await adminWithToken(harness)
            for header in ["Bearer rpt_not-a-real-token", "Bearer ", "Bearer " + String(repeating: "x", count: 500),
                           "Basic YWRtaW46cGFzc3dvcmQ=", "rpt_no_scheme"] {
                let answer = try await send(client, .get, "/api/v1/users", headers: [.authorization: header])
                #expect(answer.status == .unauthorized, "Authorization: \(header)")
                #expect(isProblem(answer))
                #expect(answer.headers[.wwwAuthenticate] == "Bearer")
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_revoked_token_is_401(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let user = try await harness.makeUser("admin@test.example")
            let issued = try await harness.services.tokens.create(name: "t", expiresInDays: nil, for: user.id, by: nil)
            #expect(try await client.api(.get, "/api/v1/me", token: issued.secret).status == .ok)
            _ = try await harness.services.tokens.revoke(issued.token.id, by: nil)
            let answer = try await client.api(.get, "/api/v1/me", token: issued.secret)
            #expect(answer.status == .unauthorized)
            #expect(isProblem(answer))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func an_expired_token_is_401(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let user = try await harness.makeUser("admin@test.example")
            let secret = try await apiToken(harness, for: user, expiresInDays: 1)
            #expect(try await client.api(.get, "/api/v1/me", token: secret).status == .ok)
            harness.clock.advance(by: 2 * 86400)
            let answer = try await client.api(.get, "/api/v1/me", token: secret)
            #expect(answer.status == .unauthorized)
            #expect(isProblem(answer))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_disabled_users_token_is_401(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser("admin@test.example")
            let other = try await harness.makeUser("other@test.example", role: .salesManager)
            let secret = try await apiToken(harness, for: other)
            #expect(try await client.api(.get, "/api/v1/me", token: secret).status == .ok)
            _ = try await harness.services.users.disable(other.id, by: nil)
            #expect(try await client.api(.get, "/api/v1/me", token: secret).status == .unauthorized)
        }
    }

    // MARK: JSON bodies

    @Test(arguments: TestDatabase.kinds)
    func malformed_json_is_400(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            for body in [#"{"name": "#, "not json", #"{'name': 'Ops'}"#, #"{"name": "Ops""#] {
                let answer = try await client.api(.post, "/api/v1/departments", token: admin.token, json: body)
                #expect(answer.status == .badRequest, "body: \(body)")
                let doc = try problem(answer)
                #expect(doc.type.hasSuffix("/malformed"))
            }
            let empty = try await client.api(.post, "/api/v1/departments", token: admin.token, json: "")
            #expect(empty.status == .badRequest)
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_json_array_or_scalar_body_is_400(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            for body in [#"[{"name": "Ops"}]"#, #""Ops""#, "42", "null"] {
                let answer = try await client.api(.post, "/api/v1/departments", token: admin.token, json: body)
                #expect(answer.status == .badRequest, "body: \(body)")
                #expect(isProblem(answer))
            }
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_wrong_type_is_422_naming_the_field(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let answer = try await client.api(.post, "/api/v1/departments", token: admin.token, json: #"{"name": 5}"#)
            #expect(answer.status == .unprocessableContent)
            let doc = try problem(answer)
            #expect(doc.fields == ["name"])
            #expect(doc.errors?.first?.code == "invalid_type")

            let parent = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                              json: #"{"name": "Ops", "parent_id": "one"}"#)
            #expect(parent.status == .unprocessableContent)
            #expect(try problem(parent).fields == ["parent_id"])
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func an_unknown_field_is_422_naming_it(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let answer = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                              json: #"{"name": "Ops", "colour": "red"}"#)
            #expect(answer.status == .unprocessableContent)
            let doc = try problem(answer)
            #expect(doc.fields == ["colour"])
            #expect(doc.errors?.first?.code == "unknown_field")
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)

            // A camelCase spelling of a real field is unknown too: keys are snake_case.
            let camel = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                             json: #"{"name": "Ops", "parentId": 1}"#)
            #expect(camel.status == .unprocessableContent)
            #expect(try problem(camel).fields == ["parentId"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func an_unknown_enum_value_is_422_naming_it(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let other = try await harness.makeUser("other@test.example", role: .salesManager)

            let patch = try await client.api(.patch, "/api/v1/users/\(other.id)", token: admin.token,
                                             json: #"{"working_status": "flying"}"#)
            #expect(patch.status == .unprocessableContent)
            #expect(try problem(patch).fields == ["working_status"])
            let stored = try await harness.services.users.get(other.id, by: admin.principal)
            #expect(stored.workingStatus == .available)
            #expect(stored.version == other.version)

            let list = try await client.api(.get, "/api/v1/users?working_status=flying", token: admin.token)
            #expect(list.status == .unprocessableContent)
            #expect(try problem(list).fields == ["working_status"])

            let valid = try await client.api(.get, "/api/v1/users?working_status=available", token: admin.token)
            #expect(valid.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_body_over_the_limit_is_413(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let big = #"{"name": ""# + String(repeating: "a", count: 10 * 1024 * 1024) + #""}"#
            let answer = try await client.api(.post, "/api/v1/departments", token: admin.token, json: big)
            #expect(answer.status == .contentTooLarge)
            #expect(isProblem(answer))
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func deeply_nested_json_is_400(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let nested = #"{"name": "#
                + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
            let answer = try await client.api(.post, "/api/v1/departments", token: admin.token, json: nested)
            #expect(answer.status == .badRequest)
            let doc = try problem(answer)
            #expect(doc.type.hasSuffix("/too-deep"))

            let objects = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
            let second = try await client.api(.post, "/api/v1/departments", token: admin.token, json: objects)
            #expect(second.status == .badRequest)
            #expect(try problem(second).type.hasSuffix("/too-deep"))
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_non_json_content_type_is_415(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            for type in ["text/plain", "application/x-www-form-urlencoded", "application/xml"] {
                let answer = try await send(client, .post, "/api/v1/departments",
                                            headers: [.authorization: "Bearer \(admin.token)", .contentType: type],
                                            body: #"{"name": "Ops"}"#)
                #expect(answer.status == .unsupportedMediaType, "Content-Type: \(type)")
                #expect(isProblem(answer))
            }
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)

            // application/json with a charset parameter is JSON.
            let withCharset = try await send(client, .post, "/api/v1/departments",
                                             headers: [.authorization: "Bearer \(admin.token)",
                                                       .contentType: "application/json; charset=utf-8"],
                                             body: #"{"name": "Ops"}"#)
            #expect(withCharset.status == .created)
        }
    }

    // MARK: Pagination

    @Test(arguments: TestDatabase.kinds)
    func bad_page_parameters_are_422_naming_them(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            for (query, field) in [("limit=0", "limit"), ("limit=501", "limit"), ("limit=-3", "limit"),
                                   ("limit=ten", "limit"), ("cursor=garbage", "cursor"), ("cursor=%21%21%21", "cursor")] {
                let answer = try await client.api(.get, "/api/v1/users?\(query)", token: admin.token)
                #expect(answer.status == .unprocessableContent, "?\(query)")
                #expect(try problem(answer).fields == [field], "?\(query)")
            }
            for query in ["limit=1", "limit=500"] {
                let answer = try await client.api(.get, "/api/v1/users?\(query)", token: admin.token)
                #expect(answer.status == .ok, "?\(query)")
            }
            // A cursor made for another sort order is refused, not misread.
            let textCursor = Data("Smith|1".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            let mismatch = try await client.api(.get, "/api/v1/users?cursor=\(textCursor)", token: admin.token)
            #expect(mismatch.status == .unprocessableContent)
            #expect(try problem(mismatch).fields == ["cursor"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func keyset_pages_cover_every_user_exactly_once(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            var expected: Set<Int64> = [admin.user.id]
            for n in 1...7 {
                let user = try await harness.makeUser("user\(n)@test.example", role: .salesManager,
                                                      last: "Last\(8 - n)")
                expected.insert(user.id)
            }

            for order in ["", "&sort=email&order=desc", "&sort=last_name"] {
                var seen: [WireUser] = []
                var sizes: [Int] = []
                var cursor: String?
                var pages = 0
                repeat {
                    pages += 1
                    let path = "/api/v1/users?limit=3\(order)" + (cursor.map { "&cursor=\(percentEscape($0))" } ?? "")
                    let answer = try await client.api(.get, path, token: admin.token)
                    try #require(answer.status == .ok, "\(path): \(answer.body)")
                    let page = try decode(WireList<WireUser>.self, answer.body)
                    seen += page.data
                    sizes.append(page.data.count)
                    cursor = page.nextCursor
                    if cursor == nil {
                        let raw = jsonObject(answer.body)
                        let lastCursor: Any? = raw?["next_cursor"]
                        #expect(lastCursor is NSNull, "next_cursor must be present and null on the last page")
                    }
                } while cursor != nil && pages < 10

                let ids = seen.map(\.id)
                #expect(pages == 3, "order \(order)")
                #expect(sizes == [3, 3, 2], "order \(order)")
                #expect(ids.count == Set(ids).count, "duplicates across pages with order \(order)")
                #expect(Set(ids) == expected, "order \(order)")
                switch order {
                case "":
                    #expect(ids == ids.sorted())
                case "&sort=email&order=desc":
                    #expect(seen.map(\.email) == seen.map(\.email).sorted(by: >))
                default:
                    #expect(seen.map(\.lastName) == seen.map(\.lastName).sorted())
                }
            }
        }
    }

    // MARK: Filters never become SQL

    @Test(arguments: TestDatabase.kinds)
    func sql_metacharacters_in_user_filters_match_literally(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let percent = try await harness.makeUser("pct@test.example", role: .salesManager, first: "%Percent",
                                                     last: "Zed")
            let underscore = try await harness.makeUser("und@test.example", role: .salesManager, first: "_Under",
                                                        last: "Zed")
            let plain = try await harness.makeUser("plain@test.example", role: .salesManager, first: "Plain",
                                                   last: "Zed")
            let everyone: Set<Int64> = [admin.user.id, percent.id, underscore.id, plain.id]

            func search(_ q: String) async throws -> [Int64] {
                let answer = try await client.api(.get, "/api/v1/users?q=\(percentEscape(q))", token: admin.token)
                #expect(answer.status == .ok, "q=\(q): \(answer.body)")
                return try decode(WireList<WireUser>.self, answer.body).data.map(\.id)
            }

            // Sanity: the search does match by prefix.
            let zed = try await search("zed")
            #expect(Set(zed) == [percent.id, underscore.id, plain.id])
            #expect(try await search("plain") == [plain.id])
            // LIKE wildcards are escaped: they match only names that start with them.
            #expect(try await search("%") == [percent.id])
            #expect(try await search("_") == [underscore.id])
            #expect(try await search("%%").isEmpty)
            #expect(try await search("\\").isEmpty)
            // Quotes and statement breaks are just text.
            #expect(try await search("' OR 1=1 --").isEmpty)
            #expect(try await search("' OR '1'='1").isEmpty)
            #expect(try await search("\"; DROP TABLE users; --").isEmpty)
            #expect(try await search("'); DELETE FROM users; --").isEmpty)

            // Typed filters refuse text instead of splicing it.
            for (query, field) in [("department_id=1%20OR%201%3D1", "department_id"), ("role_id=1'--", "role_id"),
                                   ("is_active=true'%20OR%20'1'%3D'1", "is_active"),
                                   ("sort=id;DROP%20TABLE%20users", "sort"), ("order=asc,id", "order")] {
                let answer = try await client.api(.get, "/api/v1/users?\(query)", token: admin.token)
                #expect(answer.status == .unprocessableContent, "?\(query)")
                #expect(try problem(answer).fields == [field], "?\(query)")
            }

            // The table is intact and complete afterwards.
            let all = try await client.api(.get, "/api/v1/users", token: admin.token)
            #expect(all.status == .ok)
            let listed = try decode(WireList<WireUser>.self, all.body).data.map(\.id)
            #expect(Set(listed) == everyone)
            #expect(listed.count == everyone.count)
            let found = try await harness.services.users.find(email: "plain@test.example")
            #expect(found?.id == plain.id)
            let roleID = try await harness.roleID(.salesManager)
            let created = try await client.api(.post, "/api/v1/users", token: admin.token, json: """
                {"email": "after@test.example", "password": "\(TestHarness.password)", "first_name": "After",
                 "last_name": "Math", "role_id": \(roleID)}
                """)
            #expect(created.status == .created)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func sql_metacharacters_in_event_filters_match_literally(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            _ = try await harness.department("Ops")

            let control = try await client.api(.get, "/api/v1/events?entity=department", token: admin.token)
            #expect(control.status == .ok)
            let departmentEvents = try decode(WireList<WireEvent>.self, control.body).data
            #expect(!departmentEvents.isEmpty)
            let onlyDepartments = departmentEvents.allSatisfy { $0.entity == "department" }
            #expect(onlyDepartments)

            for entity in ["x' OR '1'='1", "department' --", "department'; DROP TABLE events; --"] {
                let answer = try await client.api(.get, "/api/v1/events?entity=\(percentEscape(entity))",
                                                  token: admin.token)
                #expect(answer.status == .ok, "entity=\(entity)")
                #expect(try decode(WireList<WireEvent>.self, answer.body).data.isEmpty, "entity=\(entity)")
            }
            let action = try await client.api(.get, "/api/v1/events?action=\(percentEscape("created' OR '1'='1"))",
                                              token: admin.token)
            #expect(action.status == .unprocessableContent)
            #expect(try problem(action).fields == ["action"])

            // The log still answers as before.
            let again = try await client.api(.get, "/api/v1/events?entity=department", token: admin.token)
            let againIDs = try decode(WireList<WireEvent>.self, again.body).data.map(\.id)
            #expect(againIDs == departmentEvents.map(\.id))
        }
    }

    // MARK: Paths

    @Test(arguments: TestDatabase.kinds)
    func a_non_numeric_path_id_is_404(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            for path in ["/api/v1/users/abc", "/api/v1/users/-1", "/api/v1/users/0", "/api/v1/users/1e3",
                         "/api/v1/departments/one", "/api/v1/roles/%27%20OR%201%3D1", "/api/v1/users/99999"] {
                let answer = try await client.api(.get, path, token: admin.token)
                #expect(answer.status == .notFound, "\(path)")
                #expect(isProblem(answer), "\(path)")
            }
        }
    }
}
