import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Seed 002's start in one piece, through the API the PBX and the managers use: a missed call
/// becomes a lead given by the routing rule to a free manager with the call-back task; not
/// done in 10 working minutes (a stepped clock), the lead and task pass to the next manager and
/// the head is told; the new manager calls back and books the measurer for 3 working hours more
/// than a working day ahead, so a task asks to confirm it the day before; closing that task
/// confirms the visit, which gives the measurer a task with the checklist and queues the
/// client's SMS with the date and the measurer's name and phone.
@Suite struct Seed002StartTests {
    @Test(arguments: TestDatabase.kinds)
    func a_missed_call_ends_in_a_confirmed_measurement(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, admin, token) = try await adminWithToken(harness)
            let (head, anna, boris) = try await SalesTeam.make(harness, company: "Кухни Мастер", by: admin)
            let measurer = try await harness.makeUser("pavel@x.example", role: .fieldTechnician, first: "Павел", last: "Замеров")
            _ = try await harness.services.users.update(measurer.id, UserInput(phone: "+7 903 300-20-01", skills: ["замер"]),
                                                        expectedVersion: nil, by: admin)

            // The company's set-up, through the API: the rule, the level, the PBX, the kind of visit.
            let rule = try await client.api(.post, "/api/v1/routing-rules", token: token, json: """
                {"name": "Пропущенные звонки", "condition": "source = \\"phone\\"", "pool": {"user_ids": [\(anna.id), \(boris.id)]},
                 "strategy": "round_robin"}
                """)
            #expect(rule.status == .created, "\(rule.body)")
            let level = try await client.api(.post, "/api/v1/service-levels", token: token,
                                             json: #"{"name": "Новый лид за 10 минут", "minutes": 10, "action": "reassign"}"#)
            #expect(level.status == .created, "\(level.body)")
            let pbx = try await client.api(.post, "/api/v1/integrations", token: token, json: #"{"kind": "telephony", "name": "АТС"}"#)
            let pbxID = Int64(try #require(jsonValue(pbx.body, "id") as? Int))
            let secret = try #require(jsonValue(pbx.body, "secret") as? String)
            let kindAnswer = try await client.api(.post, "/api/v1/visit-kinds", token: token,
                                                  json: #"{"name": "Замер", "skill": "замер", "minutes": 180}"#)
            let measurementKind = try #require(jsonValue(kindAnswer.body, "id") as? Int)

            // 1. The missed call (Wednesday 11:06): a lead from "phone", Anna responsible by the rule, her call-back task.
            let missed = try await TelephonyAPITests.event(client, pbxID, secret: secret,
                                                           TelephonyAPITests.json("e1", call: "c1", "missed", number: "8 (916) 555-12-34"))
            #expect(missed.status == .ok, "\(missed.body)")
            let call = try #require(jsonObject(missed.body)?["call"] as? [String: Any])
            let leadID = Int64(try #require(call["link_id"] as? Int))
            let taskID = Int64(try #require(call["task_id"] as? Int))
            let lead = try await harness.services.leads.get(leadID, by: admin).record
            #expect(lead.ownerID == anna.id && lead.source == "phone")
            let history = try await harness.services.leads.history(leadID, page: .init(), by: admin).items
            #expect(history.contains { $0.changes.contains { $0.field == "routing" && ($0.new ?? "").contains("Пропущенные звонки") } })
            let callBack = try await harness.services.tasks.get(taskID, by: admin).task
            #expect(callBack.ownerID == anna.id && callBack.deadline == harness.clock.now().addingTimeInterval(600))

            // 2. Ten working minutes pass without the call-back: Boris has the lead and the task; he and the head are told.
            harness.clock.advance(by: 11 * 60)
            #expect(try await harness.services.timers.fireDue() == 1)
            #expect(try await harness.services.leads.get(leadID, by: admin).record.ownerID == boris.id)
            #expect(try await harness.services.tasks.get(taskID, by: admin).task.ownerID == boris.id)
            let toHead = try await harness.services.notifications.list(page: .init(), by: try await harness.principal(head)).items
            #expect(toHead.contains { $0.kind == "service_level" && $0.link == "/leads/\(leadID)" })
            let toBoris = try await harness.services.notifications.list(page: .init(), by: try await harness.principal(boris)).items
            #expect(toBoris.contains { $0.kind == "service_level" && $0.link == "/leads/\(leadID)" })

            // 3. Boris calls back and books the measurer on Friday at 10:00, more than a working day away.
            let borisToken = try await apiToken(harness, for: boris)
            let done = try await client.api(.patch, "/api/v1/tasks/\(taskID)", token: borisToken, json: #"{"status": "done"}"#)
            #expect(done.status == .ok, "\(done.body)")
            let slots = try await client.api(.get, "/api/v1/visit-slots?kind_id=\(measurementKind)", token: borisToken)
            let offered = try #require(jsonObject(slots.body)?["data"] as? [[String: Any]])
            #expect(offered.contains { $0["start"] as? String == "2026-11-20T10:00:00.000Z" })
            let booked = try await client.api(.post, "/api/v1/visits", token: borisToken, json: """
                {"kind_id": \(measurementKind), "technician_id": \(measurer.id), "start": "2026-11-20T10:00:00Z",
                 "link_entity": "lead", "link_id": \(leadID), "address": "Москва, ул. Садовая, 5", "comments": "Угловая кухня"}
                """)
            #expect(booked.status == .created, "\(booked.body)")
            #expect(jsonValue(booked.body, "end") as? String == "2026-11-20T13:00:00.000Z")
            #expect(jsonValue(booked.body, "state") as? String == "booked")
            let visitID = try #require(jsonValue(booked.body, "id") as? Int)
            let confirmID = try #require(jsonValue(booked.body, "confirm_task_id") as? Int)
            let confirmTask = try await harness.services.tasks.get(Int64(confirmID), by: admin).task
            #expect(confirmTask.ownerID == boris.id && confirmTask.deadline == ISO8601.parse("2026-11-19T18:00:00Z"))
            #expect(try await VisitStore.queuedSMS(harness, leadID).isEmpty)

            // 4. Thursday: the client agrees; Boris closes the confirmation task, and the visit is confirmed.
            harness.clock.advance(by: 86_400)
            let agreed = try await client.api(.patch, "/api/v1/tasks/\(confirmID)", token: borisToken, json: #"{"status": "done"}"#)
            #expect(agreed.status == .ok, "\(agreed.body)")
            let visit = try await client.api(.get, "/api/v1/visits/\(visitID)", token: borisToken)
            #expect(jsonValue(visit.body, "state") as? String == "confirmed")
            let measurerTaskID = Int64(try #require(jsonValue(visit.body, "technician_task_id") as? Int))
            let measurerTask = try await harness.services.tasks.get(measurerTaskID, by: admin).task
            #expect(measurerTask.ownerID == measurer.id && measurerTask.checklist.map(\.text) == [
                "Клиент: 8 (916) 555-12-34", "Адрес: Москва, ул. Садовая, 5", "Дата и время: 20.11.2026 10:00",
                "Комментарии: Угловая кухня", "Предварительная цена: —",
            ])
            let sms = try await VisitStore.queuedSMS(harness, leadID)
            #expect(sms.count == 1 && sms[0].recipient == "+79165551234")
            #expect(sms[0].body == "Кухни Мастер: замер 20.11.2026 10:00. Специалист: Павел Замеров, +7 903 300-20-01.")
            #expect(try await harness.services.leads.history(leadID, page: .init(), by: admin).items
                .contains { $0.changes.contains { $0.field == "visit_confirmed" } })
        }
    }
}

extension VisitStore {
    /// The messages queued for a lead (the SMS the outbox delivers), newest first.
    static func queuedSMS(_ harness: TestHarness, _ leadID: Int64) async throws -> [OutboxMessage] {
        try await harness.services.env.database.read { db in try await OutboxStore().list(link: .init(entity: "lead", id: leadID), on: db) }
    }
}
