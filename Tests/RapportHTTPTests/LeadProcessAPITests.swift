import Foundation
import HTTPTypes
import HummingbirdTesting
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Seed 002's lead process, walked through the JSON API on the kitchen maker's pipelines
/// (PRODUCT.md section W): every refused move answers with exactly what is missing, and
/// sending it with the move completes it.
@Suite struct LeadProcessAPITests {
    /// The stage ids of the installed lead pipeline, by their English names.
    static func stages(_ installed: KitchenPipelines.Installed) -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: installed.lead.stages.map { ($0.name, $0.id) })
    }

    static func obstacles(_ body: String) -> [[String: Any]] {
        (jsonValue(body, "obstacles") as? [[String: Any]]) ?? []
    }

    static func stageID(_ body: String) -> Int64? {
        ((jsonValue(body, "stage") as? [String: Any])?["stage_id"] as? NSNumber)?.int64Value
    }

    @Test(arguments: TestDatabase.kinds)
    func seed_002_lead_walks_from_a_call_to_measurement_scheduled(kind: DatabaseKind) async throws {
        try await LocalSMTPServer.with { server in
            try await TestApp.with(kind) { harness, client in
                let (_, admin, token) = try await adminWithToken(harness)
                let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
                try await ProposalMail.prepare(harness, server: server, by: admin)
                let stage = Self.stages(installed)
                // A missed call: a lead with the number only, in "New", with its call-back task.
                let created = try await client.api(.post, "/api/v1/leads", token: token,
                                                   json: #"{"phones": ["8 (916) 555-12-34"], "source": "phone"}"#)
                #expect(created.status == .created)
                let id = try #require(jsonValue(created.body, "id") as? Int)
                #expect(Self.stageID(created.body) == stage["New"])
                #expect(jsonValue(created.body, "phones") as? [String] == ["8 (916) 555-12-34"])
                let newTasks = try await client.api(.get, "/api/v1/tasks?view=all&link_entity=lead&link_id=\(id)", token: token)
                #expect(newTasks.body.contains("Contact the client 8 (916) 555-12-34"))

                // "Client is ours" wants the name, the topic and the client type: exactly those.
                let refused = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                   json: #"{"stage_id": \#(stage["Client is ours"]!)}"#)
                #expect(refused.status == .unprocessableContent)
                #expect(jsonValue(refused.body, "type") as? String == "https://rapport.example/problems/move-refused")
                let missing = Self.obstacles(refused.body).compactMap { $0["field"] as? String }
                #expect(missing == ["client_name", "topic", "client_type"])
                #expect(Self.obstacles(refused.body).first?["label"] as? String == "Client name")
                // Skipping ahead in a strict pipeline is refused too, naming the stages skipped.
                let skip = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                json: #"{"stage_id": \#(stage["Measurement scheduled"]!)}"#)
                #expect(Self.obstacles(skip.body).first?["kind"] as? String == "skips_stages")
                // Quick-fill: the missing fields sent with the move complete it.
                let filled = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token, json: """
                    {"stage_id": \(stage["Client is ours"]!), "changes": {"first_name": "Ирина", "last_name": "Котова",
                     "topic": "угловые кухни", "client_type": "end customer"}}
                    """, headers: [.ifMatch: "\"1\""])
                #expect(filled.status == .ok)
                #expect(Self.stageID(filled.body) == stage["Client is ours"])
                #expect(jsonValue(filled.body, "topic") as? String == "угловые кухни")
                let version = try #require(jsonValue(filled.body, "version") as? Int)
                // Two people move the same card from the same board: one wins, the other is told it changed.
                let first = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                 json: #"{"stage_id": \#(stage["Catalogue and proposal sent"]!)}"#,
                                                 headers: [.ifMatch: "\"\(version)\""])
                let second = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                  json: #"{"stage_id": \#(stage["Catalogue and proposal sent"]!)}"#,
                                                  headers: [.ifMatch: "\"\(version)\""])
                #expect(first.status == .ok && second.status == .preconditionFailed)

                // Entering "Catalogue and proposal sent" made its task, with the script and checklist.
                let tasks = try await client.api(.get, "/api/v1/tasks?view=all&open=true&link_entity=lead&link_id=\(id)",
                                                 token: token)
                let rows = try #require(jsonValue(tasks.body, "data") as? [[String: Any]])
                let proposalTask = try #require(rows.first { ($0["title"] as? String)?.hasPrefix("Send the catalogue") == true })
                #expect(proposalTask["title"] as? String == "Send the catalogue and proposal: Котова Ирина")
                #expect((proposalTask["description"] as? String)?.contains("Hello Ирина!") == true)
                #expect((proposalTask["checklist"] as? [Any])?.count == 4)
                #expect(proposalTask["deadline"] is String)
                // Closing it advances automatically — but there is no e-mail and no proposal sent: the
                // lead stays, the responsible is told, and a separate task names what is missing.
                let taskID = try #require(proposalTask["id"] as? Int)
                let done = try await client.api(.patch, "/api/v1/tasks/\(taskID)", token: token, json: #"{"status": "done"}"#)
                #expect(done.status == .ok)
                let stayed = try await client.api(.get, "/api/v1/leads/\(id)", token: token)
                #expect(Self.stageID(stayed.body) == stage["Catalogue and proposal sent"])
                let notices = try await client.api(.get, "/api/v1/notifications", token: token)
                #expect(notices.body.contains("— E-mail") && notices.body.contains("the document “Proposal” sent by e-mail"))
                let missingBoth = "Missing for “Measurement scheduled”: E-mail; the document “Proposal” sent by e-mail"
                let emailTask = try #require(try await Self.openTask(client, token, lead: id, titled: missingBoth))
                // The manager gets the e-mail and closes that task: the proposal has still not gone, so
                // the lead stays and the next task names only that.
                let patched = try await client.api(.patch, "/api/v1/leads/\(id)", token: token,
                                                   json: #"{"emails": ["irina.kotova@example.ru"]}"#)
                #expect(patched.status == .ok)
                let emailDone = try await client.api(.patch, "/api/v1/tasks/\(emailTask)", token: token, json: #"{"status": "done"}"#)
                #expect(emailDone.status == .ok)
                let stillThere = try await client.api(.get, "/api/v1/leads/\(id)", token: token)
                #expect(Self.stageID(stillThere.body) == stage["Catalogue and proposal sent"])
                let proposalOnly = "Missing for “Measurement scheduled”: the document “Proposal” sent by e-mail"
                let sendTask = try #require(try await Self.openTask(client, token, lead: id, titled: proposalOnly))
                // The proposal goes out and the SMTP server takes it; closing the task moves the lead on.
                try await ProposalMail.send(harness, leadID: Int64(id), server: server, by: admin)
                #expect(try server.received().last?.to == ["irina.kotova@example.ru"])
                let sendDone = try await client.api(.patch, "/api/v1/tasks/\(sendTask)", token: token, json: #"{"status": "done"}"#)
                #expect(sendDone.status == .ok)
                let moved = try await client.api(.get, "/api/v1/leads/\(id)", token: token)
                #expect(Self.stageID(moved.body) == stage["Measurement scheduled"])
                let history = try #require(jsonValue(moved.body, "stage_history") as? [[String: Any]])
                #expect(history.count == 4)
                #expect(history.dropLast().allSatisfy { $0["left_at"] is String } && history.last?["left_at"] is NSNull)
                let objections = try await client.api(.get, "/api/v1/tasks?view=all&open=true&link_entity=lead&link_id=\(id)",
                                                      token: token)
                #expect(objections.body.contains("questions and objections"))
                // Converting wants the object address (the won stage's gate).
                let convert = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                   json: #"{"stage_id": \#(stage["Converted"]!)}"#)
                #expect(Self.obstacles(convert.body).compactMap { $0["field"] as? String } == ["object_address"])
            }
        }
    }

    /// The id of the lead's open task with exactly this title.
    static func openTask(_ client: any TestClientProtocol, _ token: String, lead id: Int, titled title: String) async throws -> Int? {
        let open = try await client.api(.get, "/api/v1/tasks?view=all&open=true&link_entity=lead&link_id=\(id)", token: token)
        return (jsonValue(open.body, "data") as? [[String: Any]])?.first { ($0["title"] as? String) == title }?["id"] as? Int
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_moves_are_refused_and_change_nothing(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let stage = Self.stages(installed)
            let created = try await client.api(.post, "/api/v1/leads", token: token, json: #"{"title": "Кухня", "phones": ["+79165550000"]}"#)
            let id = try #require(jsonValue(created.body, "id") as? Int)
            // A stage of another pipeline, a stage that does not exist, no stage at all.
            let dealStage = installed.deal.stages[0].id
            let foreign = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token, json: #"{"stage_id": \#(dealStage)}"#)
            #expect(try foreign.status == .unprocessableContent && problem(foreign).fields == ["stage_id"])
            let nowhere = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token, json: #"{"stage_id": 999999}"#)
            #expect(try nowhere.status == .unprocessableContent && problem(nowhere).fields == ["stage_id"])
            let none = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token, json: #"{}"#)
            #expect(try problem(none).fields == ["stage_id"])
            // Junk needs a reason from the list; with one, the lead is closed.
            let noReason = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                json: #"{"stage_id": \#(stage["Junk"]!)}"#)
            #expect(Self.obstacles(noReason.body).first?["kind"] as? String == "reason_required")
            let badReason = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                 json: #"{"stage_id": \#(stage["Junk"]!), "reason_id": \#(installed.lostReasons[0].id)}"#)
            #expect(try problem(badReason).fields == ["reason_id"])
            // A refused quick-fill saves none of its fields.
            let partial = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token, json: """
                {"stage_id": \(stage["Client is ours"]!), "changes": {"topic": "прямые кухни"}}
                """)
            #expect(Self.obstacles(partial.body).compactMap { $0["field"] as? String } == ["client_name", "client_type"])
            let unchanged = try await client.api(.get, "/api/v1/leads/\(id)", token: token)
            #expect(jsonValue(unchanged.body, "topic") is NSNull && jsonValue(unchanged.body, "version") as? Int == 1)
            let junk = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                            json: #"{"stage_id": \#(stage["Junk"]!), "reason_id": \#(installed.junkReasons[0].id)}"#)
            #expect(junk.status == .ok)
            #expect((jsonValue(junk.body, "stage") as? [String: Any])?["closed_at"] is String)
            // A lead created straight into a late stage meets that stage's gate.
            let late = try await client.api(.post, "/api/v1/leads", token: token,
                                            json: #"{"title": "Импорт", "stage_id": \#(stage["Measurement scheduled"]!)}"#)
            #expect(late.status == .unprocessableContent)
            #expect(Self.obstacles(late.body).first?["condition"] as? String == "has(email)")
            let leads = try await client.api(.get, "/api/v1/leads?q=%D0%98%D0%BC%D0%BF%D0%BE%D1%80%D1%82", token: token)
            #expect((jsonValue(leads.body, "data") as? [Any])?.isEmpty == true)
            // Bad fields name themselves.
            let bad = try await client.api(.post, "/api/v1/leads", token: token,
                                           json: #"{"emails": ["not-an-address"], "amount": "12,345.678", "currency": "XXX"}"#)
            #expect(try Set(problem(bad).fields) == ["emails[0]", "amount", "currency"])

            // On the board, a refused move's dialog opens an input for the e-mail `has(email)`
            // wants and names the document to send in words.
            let waiting = try await client.api(.post, "/api/v1/leads", token: token,
                                               json: #"{"title": "КП", "stage_id": \#(stage["Catalogue and proposal sent"]!)}"#)
            let waitingID = try #require(jsonValue(waiting.body, "id") as? Int)
            let session = try await signIn(client, email: "admin@test.example")
            let boardPage = try await send(client, .get, "/leads", headers: sessionHeaders(session))
            let csrf = try #require(csrfField(in: boardPage.body))
            let dialog = try await send(client, .post, "/leads/\(waitingID)/move", headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                        body: "_csrf=\(csrf)&stage_id=\(stage["Measurement scheduled"]!)")
            #expect(dialog.body.contains("id=\"fill-emails\"") && dialog.body.contains("type=\"email\""))
            #expect(dialog.body.contains("the document “proposal” sent by e-mail") && !dialog.body.contains("has(email)"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func stage_settings_refuse_bad_gates_and_guard_records(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let (_, _, token) = try await adminWithToken(harness)
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let pipeline = installed.lead.id
            // A condition that does not parse is refused with the position of the mistake.
            let syntax = try await client.api(.post, "/api/v1/pipelines/\(pipeline)/stages", token: token,
                                              json: #"{"name": "Check", "condition": "has(email) and amount >"}"#)
            let syntaxProblem = try problem(syntax)
            #expect(syntaxProblem.fields == ["condition"] && syntaxProblem.errors?.first?.code == "syntax")
            #expect(syntaxProblem.errors?.first?.message.contains("at character 24") == true)
            // Unknown fields, in the required list and in the condition.
            let unknown = try await client.api(.post, "/api/v1/pipelines/\(pipeline)/stages", token: token,
                                               json: #"{"name": "Check", "required_fields": ["cf.gone"], "condition": "cf.gone > 1"}"#)
            #expect(try Set(problem(unknown).fields) == ["required_fields[0]", "condition"])
            // A custom field a gate uses cannot be archived while the gate names it.
            let field = try await client.api(.post, "/api/v1/custom-fields", token: token,
                                             json: #"{"entity": "lead", "code": "budget", "label": "Budget", "type": "number"}"#)
            #expect(field.status == .created)
            let fieldID = try #require(jsonValue(field.body, "id") as? Int)
            let gated = try await client.api(.post, "/api/v1/pipelines/\(pipeline)/stages", token: token,
                                             json: #"{"name": "Budgeted", "condition": "cf.budget > 100000", "position": 1}"#)
            #expect(gated.status == .created)
            let archive = try await client.api(.delete, "/api/v1/custom-fields/\(fieldID)", token: token)
            #expect(archive.status == .conflict && archive.body.contains("Budgeted"))
            // Deleting a stage that holds a lead: refused, or the lead moved by choice.
            let newStage = installed.lead.stages[0].id
            let lead = try await client.api(.post, "/api/v1/leads", token: token, json: #"{"title": "Кухня"}"#)
            let leadID = try #require(jsonValue(lead.body, "id") as? Int)
            let gatedID = try #require(jsonValue(gated.body, "id") as? Int)
            let moved = try await client.api(.post, "/api/v1/leads/\(leadID)/move", token: token,
                                             json: #"{"stage_id": \#(gatedID), "changes": {"custom": {"budget": 250000}}}"#)
            #expect(moved.status == .ok)
            let held = try await client.api(.delete, "/api/v1/stages/\(gatedID)", token: token)
            #expect(held.status == .conflict)
            let away = try await client.api(.delete, "/api/v1/stages/\(gatedID)?move_to=\(newStage)", token: token)
            #expect(away.status == .noContent)
            let after = try await client.api(.get, "/api/v1/leads/\(leadID)", token: token)
            #expect(Self.stageID(after.body) == newStage)
            // The board counts it in "New".
            let board = try await client.api(.get, "/api/v1/pipelines/\(pipeline)/board", token: token)
            let columns = try #require(jsonValue(board.body, "columns") as? [[String: Any]])
            #expect(columns.first?["count"] as? Int == 1 && columns.count == installed.lead.stages.count)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_qualified_lead_becomes_a_client_and_a_deal(kind: DatabaseKind) async throws {
        try await LocalSMTPServer.with { server in
            try await TestApp.with(kind) { harness, client in
                let (_, principal, token) = try await adminWithToken(harness)
                let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
                let stage = Self.stages(installed)
                // Someone with this phone is already a client.
                let known = try await harness.services.contacts.create(
                    ContactInput(firstName: "Ирина", lastName: "Котова", channels: [ContactChannel(kind: .phone, value: "+7 916 555-12-34")]),
                    by: principal)
                let created = try await client.api(.post, "/api/v1/leads", token: token, json: """
                    {"first_name": "Ирина", "last_name": "Котова", "phones": ["8 916 555 12 34"], "emails": ["irina@example.ru"],
                     "company_name": "Студия Котовой", "topic": "угловые кухни", "client_type": "designer",
                     "stage_id": \(stage["Catalogue and proposal sent"]!),
                     "line_items": [{"name": "Кухня", "price": "250000", "tax_percent": "20"}, {"name": "Монтаж", "price": 15000.5}]}
                    """)
                #expect(created.status == .created && jsonValue(created.body, "amount") as? String == "265000.50")
                let id = try #require(jsonValue(created.body, "id") as? Int)
                // The proposal sent, the lead is past seed 002's gate.
                try await ProposalMail.send(harness, leadID: Int64(id), server: server, by: principal)
                let measured = try await client.api(.post, "/api/v1/leads/\(id)/move", token: token,
                                                    json: #"{"stage_id": \#(stage["Measurement scheduled"]!)}"#)
                #expect(Self.stageID(measured.body) == stage["Measurement scheduled"])
                // The list finds it by any of its words, whatever their case, and by the phone as written.
                for words in ["котова", "СТУДИЯ", "916 555"] {
                    let found = try await client.api(.get, "/api/v1/leads?q=\(words.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? words)",
                                                     token: token)
                    #expect((jsonValue(found.body, "data") as? [[String: Any]])?.first?["id"] as? Int == id, "\(words)")
                }
                // Conversion wants the won stage's gate: the object address.
                let early = try await client.api(.post, "/api/v1/leads/\(id)/convert", token: token, json: "{}")
                #expect(Self.obstacles(early.body).compactMap { $0["field"] as? String } == ["object_address"])
                _ = try await client.api(.patch, "/api/v1/leads/\(id)", token: token, json: #"{"object_address": "Москва, ул. Лесная, 5"}"#)
                // The person looks like the known client: the candidates come back, nothing is made.
                let duplicate = try await client.api(.post, "/api/v1/leads/\(id)/convert", token: token, json: "{}")
                #expect(duplicate.status == .conflict && duplicate.body.contains("\"id\":\(known.contact.id)"), "\(duplicate.body)")
                #expect(try await client.api(.get, "/api/v1/deals", token: token).body.contains("\"data\":[]"))
                // Picking the existing contact converts it: a company is made, the deal takes the lines.
                let converted = try await client.api(.post, "/api/v1/leads/\(id)/convert", token: token, json: """
                    {"contact_id": \(known.contact.id), "deal": {"close_date": "2026-12-20"}}
                    """)
                #expect(converted.status == .created, "\(converted.body)")
                let deal = try #require(jsonValue(converted.body, "deal") as? [String: Any])
                #expect(deal["lead_id"] as? Int == id && deal["contact_id"] as? Int == Int(known.contact.id))
                #expect(deal["amount"] as? String == "265000.50" && deal["close_date"] as? String == "2026-12-20")
                let companyID = try #require(jsonValue(converted.body, "company_id") as? Int)
                #expect(deal["company_id"] as? Int == companyID)
                let lead = try #require(jsonValue(converted.body, "lead") as? [String: Any])
                #expect(((lead["stage"] as? [String: Any])?["stage_id"] as? NSNumber)?.int64Value == stage["Converted"])
                #expect((lead["conversion"] as? [String: Any])?["deal_id"] as? Int == deal["id"] as? Int)
                let dealCard = try await client.api(.get, "/api/v1/deals/\(deal["id"] as! Int)", token: token)
                #expect((jsonValue(dealCard.body, "line_items") as? [Any])?.count == 2)
                #expect(((jsonValue(dealCard.body, "stage") as? [String: Any])?["stage_id"] as? NSNumber)?.int64Value
                    == installed.deal.stages[0].id)
                // Once is enough.
                let again = try await client.api(.post, "/api/v1/leads/\(id)/convert", token: token, json: "{}")
                #expect(again.status == .conflict)
            }
        }
    }
}
