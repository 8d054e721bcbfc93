import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Optimistic concurrency (`ETag` / `If-Match`) and `Idempotency-Key` on API writes.
@Suite struct ConcurrencyControlTests {
    // MARK: ETag and If-Match

    @Test(arguments: TestDatabase.kinds)
    func get_answers_the_version_as_etag(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let department = try await harness.department("Sales")
            let answer = try await client.api(.get, "/api/v1/departments/\(department.id)", token: admin.token)
            #expect(answer.status == .ok)
            #expect(answer.headers[.eTag] == "\"1\"")
            let body = try decode(WireDepartment.self, answer.body)
            #expect(body.version == 1)
            #expect(body.name == "Sales")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_matching_if_match_updates_and_a_stale_one_is_412(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let department = try await harness.department("Sales")
            let path = "/api/v1/departments/\(department.id)"

            let first = try await client.api(.patch, path, token: admin.token, json: #"{"name": "Sales East"}"#,
                                             headers: [.ifMatch: "\"1\""])
            #expect(first.status == .ok)
            #expect(first.headers[.eTag] == "\"2\"")
            let updated = try decode(WireDepartment.self, first.body)
            #expect(updated.name == "Sales East")
            #expect(updated.version == 2)

            // A second writer still holding version 1 is refused and told the current version.
            let stale = try await client.api(.patch, path, token: admin.token, json: #"{"name": "Sales West"}"#,
                                             headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.headers[.eTag] == "\"2\"")
            let doc = try problem(stale)
            #expect(doc.status == 412)
            #expect(doc.currentVersion == 2)
            #expect(doc.type.hasSuffix("/stale"))

            let stored = try await harness.services.departments.get(department.id, by: admin.principal)
            #expect(stored.name == "Sales East")
            #expect(stored.version == 2)
            let reread = try await client.api(.get, path, token: admin.token)
            #expect(reread.headers[.eTag] == "\"2\"")
            #expect(try decode(WireDepartment.self, reread.body).name == "Sales East")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func weak_and_bare_if_match_forms_are_accepted(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let department = try await harness.department("Sales")
            let path = "/api/v1/departments/\(department.id)"
            let weak = try await client.api(.patch, path, token: admin.token, json: #"{"name": "Two"}"#,
                                            headers: [.ifMatch: "W/\"1\""])
            #expect(weak.status == .ok)
            #expect(weak.headers[.eTag] == "\"2\"")
            let bare = try await client.api(.patch, path, token: admin.token, json: #"{"name": "Three"}"#,
                                            headers: [.ifMatch: "2"])
            #expect(bare.status == .ok)
            #expect(bare.headers[.eTag] == "\"3\"")
            let any = try await client.api(.patch, path, token: admin.token, json: #"{"name": "Four"}"#,
                                           headers: [.ifMatch: "*"])
            #expect(any.status == .ok)
            #expect(any.headers[.eTag] == "\"4\"")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_malformed_if_match_is_400_and_changes_nothing(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let department = try await harness.department("Sales")
            let path = "/api/v1/departments/\(department.id)"
            for value in ["\"abc\"", "version-1", "\"1\", \"2\""] {
                let answer = try await client.api(.patch, path, token: admin.token, json: #"{"name": "Changed"}"#,
                                                  headers: [.ifMatch: value])
                #expect(answer.status == .badRequest, "If-Match: \(value)")
                let doc = try problem(answer)
                #expect(doc.type.hasSuffix("/bad-header"))
            }
            let stored = try await harness.services.departments.get(department.id, by: admin.principal)
            #expect(stored.name == "Sales")
            #expect(stored.version == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_stale_if_match_on_delete_is_412_and_keeps_the_record(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let department = try await harness.department("Sales")
            let path = "/api/v1/departments/\(department.id)"
            _ = try await client.api(.patch, path, token: admin.token, json: #"{"name": "Sales 2"}"#)

            let stale = try await client.api(.delete, path, token: admin.token, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.headers[.eTag] == "\"2\"")
            #expect(try await client.api(.get, path, token: admin.token).status == .ok)

            let current = try await client.api(.delete, path, token: admin.token, headers: [.ifMatch: "\"2\""])
            #expect(current.status == .noContent)
            #expect(try await client.api(.get, path, token: admin.token).status == .notFound)
        }
    }

    // MARK: Idempotency-Key

    @Test(arguments: TestDatabase.kinds)
    func a_repeated_key_replays_the_first_answer(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let key: HTTPFields = [idempotencyKeyHeader: "create-ops-1"]
            let body = #"{"name": "Ops"}"#

            let first = try await client.api(.post, "/api/v1/departments", token: admin.token, json: body, headers: key)
            #expect(first.status == .created)
            #expect(first.headers[idempotentReplayedHeader] == nil)
            let created = try decode(WireDepartment.self, first.body)

            let second = try await client.api(.post, "/api/v1/departments", token: admin.token, json: body, headers: key)
            #expect(second.status == .created)
            #expect(second.headers[idempotentReplayedHeader] == "true")
            #expect(second.body == first.body)
            #expect(second.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(try decode(WireDepartment.self, second.body).id == created.id)

            // Only one department was made.
            let list = try await client.api(.get, "/api/v1/departments", token: admin.token)
            let departments = try decode(WireList<WireDepartment>.self, list.body).data
            #expect(departments.map(\.id) == [created.id])
            #expect(try await harness.services.departments.all(by: admin.principal).count == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func the_same_key_with_a_different_body_is_422(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let key: HTTPFields = [idempotencyKeyHeader: "create-ops-2"]
            let first = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                             json: #"{"name": "Ops"}"#, headers: key)
            #expect(first.status == .created)

            let other = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                             json: #"{"name": "Finance"}"#, headers: key)
            #expect(other.status == .unprocessableContent)
            #expect(other.headers[idempotentReplayedHeader] == nil)
            #expect(try problem(other).fields == ["Idempotency-Key"])

            let names = try await harness.services.departments.all(by: admin.principal).map(\.name)
            #expect(names == ["Ops"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_failed_first_request_does_not_burn_the_key(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            let key: HTTPFields = [idempotencyKeyHeader: "create-ops-3"]

            let invalid = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                               json: #"{"name": ""}"#, headers: key)
            #expect(invalid.status == .unprocessableContent)
            #expect(try problem(invalid).fields == ["name"])
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)

            let retry = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                             json: #"{"name": "Ops"}"#, headers: key)
            #expect(retry.status == .created)
            #expect(retry.headers[idempotentReplayedHeader] == nil)
            let names = try await harness.services.departments.all(by: admin.principal).map(\.name)
            #expect(names == ["Ops"])

            // From now on the key is bound to the successful request.
            let replay = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                              json: #"{"name": "Ops"}"#, headers: key)
            #expect(replay.status == .created)
            #expect(replay.headers[idempotentReplayedHeader] == "true")
            #expect(replay.body == retry.body)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func keys_belong_to_one_user(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let first = try await adminWithToken(harness, "first@test.example")
            let second = try await adminWithToken(harness, "second@test.example")
            let key: HTTPFields = [idempotencyKeyHeader: "shared-key"]
            let a = try await client.api(.post, "/api/v1/departments", token: first.token,
                                         json: #"{"name": "Ops"}"#, headers: key)
            let b = try await client.api(.post, "/api/v1/departments", token: second.token,
                                         json: #"{"name": "Ops"}"#, headers: key)
            #expect(a.status == .created)
            #expect(b.status == .created)
            #expect(b.headers[idempotentReplayedHeader] == nil)
            #expect(try await harness.services.departments.all(by: first.principal).count == 2)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func an_empty_or_overlong_key_is_400(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await adminWithToken(harness)
            for value in ["", String(repeating: "k", count: 256)] {
                let answer = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                                  json: #"{"name": "Ops"}"#, headers: [idempotencyKeyHeader: value])
                #expect(answer.status == .badRequest, "key of \(value.count) characters")
                #expect(try problem(answer).type.hasSuffix("/bad-header"))
            }
            #expect(try await harness.services.departments.all(by: admin.principal).isEmpty)
            let longest = try await client.api(.post, "/api/v1/departments", token: admin.token,
                                               json: #"{"name": "Ops"}"#,
                                               headers: [idempotencyKeyHeader: String(repeating: "k", count: 255)])
            #expect(longest.status == .created)
        }
    }
}
