import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Call lists: made from a saved view of contacts (those with a phone, in the list's order);
/// each result logged as a call on the contact's timeline, "call back later" a task for then;
/// recorded once; bad results named by field; someone else's list not found; the page shows
/// the next contact and takes the result.
@Suite struct CallListTests {
    @Test(arguments: TestDatabase.kinds)
    func a_manager_calls_through_a_saved_view(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.admin()
            _ = try await harness.services.settings.update(.init(name: "Кухни", locale: "ru"), expectedVersion: nil, by: admin)
            let anna = try await harness.makeUser("anna@x.example", role: .salesManager, first: "Анна", last: "Лисова")
            let boris = try await harness.makeUser("boris@x.example", role: .salesManager, first: "Борис", last: "Котов")
            let annaActs = try await harness.principal(anna)
            func contact(_ first: String, _ last: String, phone: String?, region: String) async throws -> Contact {
                try await harness.services.contacts.create(
                    ContactInput(firstName: first, lastName: last, channels: phone.map { [ContactChannel(kind: .phone, value: $0)] } ?? [],
                                 region: region, ownerID: anna.id), by: admin).contact
            }
            let orlova = try await contact("Мария", "Орлова", phone: "+7 903 111-22-33", region: "Москва")
            let belov = try await contact("Игорь", "Белов", phone: "8 (916) 200-30-40", region: "Москва")
            let zaitseva = try await contact("Ольга", "Зайцева", phone: "+7 925 700-80-90", region: "Москва")
            _ = try await contact("Пётр", "Безномерный", phone: nil, region: "Москва")
            _ = try await contact("Казанский", "Клиент", phone: "+7 843 100-00-00", region: "Казань")
            let view = try await harness.services.savedViews.create(entity: "contact", name: "Москва", query: "region=Москва", by: annaActs)
            let token = try await apiToken(harness, for: anna)

            // Made from the view: the three Moscow contacts with a phone, by name.
            let made = try await client.api(.post, "/api/v1/call-lists", token: token,
                                            json: #"{"name": "Осенний обзвон", "saved_view_id": \#(view.id)}"#)
            #expect(made.status == .created, "\(made.body)")
            let listID = try #require(jsonValue(made.body, "id") as? Int)
            #expect(jsonValue(made.body, "total") as? Int == 3)
            let entries = try #require(jsonObject(made.body)?["entries"] as? [[String: Any]])
            #expect(entries.map { $0["contact_id"] as? Int } == [belov.id, zaitseva.id, orlova.id].map { Int($0) })
            #expect(entries.map { $0["phone"] as? String } == ["+79162003040", "+79257008090", "+79031112233"])
            let ids = entries.compactMap { $0["id"] as? Int }

            // Reached: a call on Belov's timeline; the list counts it.
            func record(_ entry: Int, _ json: String) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String) {
                try await client.api(.post, "/api/v1/call-lists/\(listID)/entries/\(entry)/result", token: token, json: json)
            }
            let reached = try await record(ids[0], #"{"outcome": "reached", "note": "Интересует угловая кухня, пришлём каталог"}"#)
            #expect(reached.status == .ok, "\(reached.body)")
            let call = try await harness.services.interactions.get(Int64(try #require(jsonValue(reached.body, "interaction_id") as? Int)),
                                                                   by: admin).interaction
            #expect(call.kind == .call && call.direction == .outgoing && call.ownerID == anna.id && call.state == .done)
            #expect(call.link == WorkTask.Link(entity: "contact", id: belov.id) && call.subject == "Осенний обзвон: дозвонились")
            #expect(call.details?.contains("угловая кухня") == true)

            // "Call back later" on Friday at 11:00: a task for Anna then, about Zaitseva.
            let later = try await record(ids[1], #"{"outcome": "call_back", "call_back_at": "2026-11-20T11:00:00Z"}"#)
            let task = try await harness.services.tasks.get(Int64(try #require(jsonValue(later.body, "task_id") as? Int)), by: admin).task
            #expect(task.ownerID == anna.id && task.deadline == ISO8601.parse("2026-11-20T11:00:00Z"))
            #expect(task.link == WorkTask.Link(entity: "contact", id: zaitseva.id) && task.title == "Перезвонить: \(zaitseva.displayName), +79257008090")
            // Recorded once.
            #expect(try await record(ids[1], #"{"outcome": "busy"}"#).status == .conflict)

            // Bad results name the field and change nothing.
            func fields(_ json: String) async throws -> [String] {
                try problem(try await record(ids[2], json)).errors?.map { "\($0.field):\($0.code)" } ?? []
            }
            #expect(try await fields(#"{"note": "x"}"#) == ["outcome:required"])
            #expect(try await fields(#"{"outcome": "shout"}"#) == ["outcome:invalid"])
            #expect(try await fields(#"{"outcome": "call_back"}"#) == ["call_back_at:required"])
            #expect(try await fields(#"{"outcome": "call_back", "call_back_at": "2026-01-01T10:00:00Z"}"#) == ["call_back_at:past"])
            #expect(try await fields(#"{"outcome": "busy", "call_back_at": "2026-12-01T10:00:00Z"}"#) == ["call_back_at:unexpected"])
            #expect(try await record(ids[2], #"{"outcome": "busy", "when": 1}"#).status == .unprocessableContent)
            let sheet = try await client.api(.get, "/api/v1/call-lists/\(listID)?pending=true", token: token)
            #expect(jsonValue(sheet.body, "done") as? Int == 2)
            #expect((jsonObject(sheet.body)?["entries"] as? [[String: Any]])?.map { $0["id"] as? Int } == [ids[2]])

            // Lists that cannot be made are refused plainly; Boris does not see Anna's list.
            let nobody = try await client.api(.post, "/api/v1/call-lists", token: token, json: #"{"name": "Пусто", "query": "region=Тверь"}"#)
            #expect(try problem(nobody).errors?.map { "\($0.field):\($0.code)" } == ["query:no_contacts"])
            let noView = try await client.api(.post, "/api/v1/call-lists", token: token, json: #"{"name": "x", "saved_view_id": 999}"#)
            #expect(try problem(noView).errors?.map { "\($0.field):\($0.code)" } == ["saved_view_id:not_found"])
            let noName = try await client.api(.post, "/api/v1/call-lists", token: token, json: #"{"query": ""}"#)
            #expect(try problem(noName).errors?.map { "\($0.field):\($0.code)" } == ["name:required"])
            let borisToken = try await apiToken(harness, for: boris)
            #expect(try await client.api(.get, "/api/v1/call-lists/\(listID)", token: borisToken).status == .notFound)
            #expect(try await client.api(.post, "/api/v1/call-lists/\(listID)/entries/\(ids[2])/result", token: borisToken,
                                         json: #"{"outcome": "busy"}"#).status == .notFound)
            let borisLists = try await client.api(.get, "/api/v1/call-lists", token: borisToken)
            #expect((jsonObject(borisLists.body)?["data"] as? [Any])?.isEmpty == true)

            // On the page: the next contact (Orlova) and the result form; the result goes in, the list is done.
            let session = try await signIn(client, email: "anna@x.example")
            let page = try await send(client, .get, "/call-lists/\(listID)", headers: sessionHeaders(session))
            #expect(page.status == .ok && page.body.contains(orlova.displayName) && page.body.contains("+79031112233"))
            #expect(page.body.contains("Интересует угловая кухня"))
            let csrf = try #require(csrfField(in: page.body))
            let refused = try await send(client, .post, "/call-lists/\(listID)/entries/\(ids[2])",
                                         headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                         body: formEncode([("_csrf", csrf), ("note", "без итога")]))
            #expect(refused.status == .unprocessableContent && refused.body.contains("без итога"))
            let saved = try await send(client, .post, "/call-lists/\(listID)/entries/\(ids[2])",
                                       headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                       body: formEncode([("_csrf", csrf), ("outcome", "no_answer"), ("call_back_at", "")]))
            #expect(saved.status == .found && saved.headers[.location] == "/call-lists/\(listID)")
            let finished = try await send(client, .get, "/call-lists/\(listID)", headers: sessionHeaders(session))
            #expect(finished.body.contains("id=\"call-list-finished\"") && finished.body.contains("Не ответили"))
            let contacts = try await send(client, .get, "/clients/contacts?region=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0", headers: sessionHeaders(session))
            #expect(contacts.body.contains("href=\"/call-lists?query=region%3D%25D0%259C"))
        }
    }
}
