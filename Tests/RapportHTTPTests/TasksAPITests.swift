import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct TasksAPITests {
    @Test(arguments: TestDatabase.kinds)
    func tasks_are_made_changed_commented_and_listed_over_the_api(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            let company = try await harness.services.companies.create(.init(shortName: "Кухни Люкс"),
                                                                     by: try await harness.admin("other-admin@test.example"))
            let deadline = ISO8601.string(harness.clock.now().addingTimeInterval(3600))
            // MUT: create
            let created = try await client.api(.post, "/api/v1/tasks", token: token, json: """
                {"title": "Перезвонить", "checklist": [{"text": "Позвонить", "done": false}], "deadline": "\(deadline)",
                 "priority": "high", "link_entity": "company", "link_id": \(company.id)}
                """)
            #expect(created.status == .created)
            let id = try #require(jsonValue(created.body, "id") as? Int)
            #expect(created.headers[.location] == "/api/v1/tasks/\(id)")
            #expect(jsonValue(created.body, "overdue") as? Bool == false)
            // validation errors name the field
            let bad = try await client.api(.post, "/api/v1/tasks", token: token, json: """
                {"title": "x", "start_at": "\(deadline)", "deadline": "2020-01-01T00:00:00Z", "sheep": 1}
                """)
            #expect(bad.status == .unprocessableContent && bad.body.contains("sheep"))
            let before = try await client.api(.post, "/api/v1/tasks", token: token, json: """
                {"title": "x", "start_at": "\(deadline)", "deadline": "2020-01-01T00:00:00Z"}
                """)
            #expect(before.status == .unprocessableContent && before.body.contains("before_start"))
            // change with If-Match; a stale one is 412
            let patched = try await client.api(.patch, "/api/v1/tasks/\(id)", token: token, json: #"{"status": "done"}"#,
                                               headers: [.ifMatch: "\"1\""])
            #expect(patched.status == .ok && jsonValue(patched.body, "status") as? String == "done")
            #expect(jsonValue(patched.body, "completed_at") is String)
            let stale = try await client.api(.patch, "/api/v1/tasks/\(id)", token: token, json: #"{"title": "y"}"#,
                                             headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            // a comment with markup is kept as text; the task shows it
            let comment = try await client.api(.post, "/api/v1/tasks/\(id)/comments", token: token,
                                               json: #"{"body": "<b>готово</b>"}"#)
            #expect(comment.status == .created)
            let card = try await client.api(.get, "/api/v1/tasks/\(id)", token: token)
            #expect(card.status == .ok && card.body.contains("<b>готово</b>") && card.headers[.eTag] == "\"2\"")
            // lists: mine (done included unless open=true), by linked record, summary
            let mine = try await client.api(.get, "/api/v1/tasks?view=mine", token: token)
            #expect(mine.body.contains("Перезвонить"))
            let open = try await client.api(.get, "/api/v1/tasks?view=mine&open=true", token: token)
            #expect((jsonValue(open.body, "data") as? [Any])?.isEmpty == true)
            let linked = try await client.api(.get, "/api/v1/tasks?view=all&link_entity=company&link_id=\(company.id)", token: token)
            #expect(linked.body.contains("Перезвонить"))
            #expect(try await client.api(.get, "/api/v1/tasks?view=yours", token: token).status == .unprocessableContent)
            #expect(try await client.api(.get, "/api/v1/tasks?link_entity=company", token: token).status == .unprocessableContent)
            let summary = try await client.api(.get, "/api/v1/tasks/summary", token: token)
            #expect(jsonValue(summary.body, "overdue") as? Int == 0)
            // delete
            #expect(try await client.api(.delete, "/api/v1/tasks/\(id)", token: token).status == .noContent)
            #expect(try await client.api(.get, "/api/v1/tasks/\(id)", token: token).status == .notFound)
        }
    }
}

@Suite struct NotificationsAPITests {
    @Test(arguments: TestDatabase.kinds)
    func reminders_reach_the_api_and_are_marked_read(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            let reminder = ISO8601.string(harness.clock.now().addingTimeInterval(60))
            let created = try await client.api(.post, "/api/v1/tasks", token: token,
                                               json: #"{"title": "Позвонить", "reminders": ["\#(reminder)"]}"#)
            #expect(created.status == .created)
            harness.clock.advance(by: 120)
            #expect(try await harness.services.timers.fireDue() == 1)
            // MUT + validation
            let count = try await client.api(.get, "/api/v1/notifications/unread-count", token: token)
            #expect(jsonValue(count.body, "unread") as? Int == 1)
            let list = try await client.api(.get, "/api/v1/notifications?unread=true", token: token)
            let items = try #require(jsonValue(list.body, "data") as? [[String: Any]])
            #expect(items.count == 1 && items[0]["kind"] as? String == "task_reminder" && items[0]["title"] as? String == "Позвонить")
            let id = try #require(items[0]["id"] as? Int)
            let read = try await client.api(.post, "/api/v1/notifications/\(id)/read", token: token)
            #expect(read.status == .ok && jsonValue(read.body, "read_at") is String)
            #expect(try await client.api(.post, "/api/v1/notifications/999999/read", token: token).status == .notFound)
            let all = try await client.api(.post, "/api/v1/notifications/read-all", token: token)
            #expect(jsonValue(all.body, "marked") as? Int == 0)
            #expect(try await client.api(.get, "/api/v1/notifications?unread=maybe", token: token).status == .unprocessableContent)
            // settings: what one receives; an unknown kind is named
            let settings = try await client.api(.get, "/api/v1/notification-settings", token: token)
            #expect((jsonValue(settings.body, "enabled") as? [String]) == ["task_reminder", "interaction_reminder", "mention"])
            let muted = try await client.api(.put, "/api/v1/notification-settings", token: token, json: #"{"enabled": ["mention"]}"#)
            #expect((jsonValue(muted.body, "enabled") as? [String]) == ["mention"])
            let unknown = try await client.api(.put, "/api/v1/notification-settings", token: token, json: #"{"enabled": ["fax"]}"#)
            #expect(unknown.status == .unprocessableContent && unknown.body.contains("enabled.0"))
            // the page stream says the count at once (a second's stream, read whole)
            let stream = try await client.api(.get, "/notifications/stream?max_seconds=1", token: token)
            #expect(stream.status == .ok && stream.headers[.contentType] == "text/event-stream; charset=utf-8")
            #expect(stream.body.hasPrefix("event: unread\ndata: 0\n\n"))
        }
    }
}
