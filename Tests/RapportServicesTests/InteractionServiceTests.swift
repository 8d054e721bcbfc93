import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct InteractionServiceTests {
    static func iso(_ date: Date) -> String { ISO8601.string(date) }


    @Test(arguments: TestDatabase.kinds)
    func a_call_is_logged_with_every_attribute_and_shows_on_the_clients_timeline(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let sales = try await harness.department("Продажи")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: sales.id))
            let boris = try await harness.makeUser("boris@x.example", role: .salesManager, department: sales.id)
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"), by: anna)
            let person = try await harness.services.contacts.create(ContactInput(firstName: "Ольга", lastName: "Сидорова"), by: anna)
            let now = harness.clock.now()
            let service = harness.services.interactions
            // MUT: create
            let call = try await service.create(InteractionInput(
                kind: "call", subject: "  Кухня в новостройку ", details: "Хочет угловую кухню 3 м", startAt: Self.iso(now),
                durationMinutes: 12, channel: "+7 916 123-45-67", direction: "incoming", priority: "high", purpose: "sale",
                state: "done", status: "held", advertisingSource: "Яндекс.Директ",
                participants: [.init(kind: "contact", id: person.contact.id), .init(kind: "user", id: boris.id),
                               .init(kind: "text", name: "Муж клиентки Пётр")],
                result: "Договорились о замере", linkEntity: "company", linkID: company.id), by: anna)
            #expect(call.subject == "Кухня в новостройку" && call.kind == .call && call.ownerID == anna.userID)
            #expect(call.durationMinutes == 12 && call.direction == .incoming && call.priority == .high && call.purpose == .sale)
            #expect(call.state == .done && call.status == .held && call.threadID == call.id && call.parentID == nil)
            #expect(call.participants == [.init(kind: .contact, refID: person.contact.id, name: "Сидорова Ольга"),
                                          .init(kind: .user, refID: boris.id, name: boris.displayName),
                                          .init(kind: .text, name: "Муж клиентки Пётр")])
            let card = try await service.get(call.id, by: anna)
            #expect(card.interaction == call && card.chain.map(\.id) == [call.id])
            // on the company's timeline (linked) and the contact's (a participant); in the company's history
            let onCompany = try await service.list(.init(record: .init(entity: "company", id: company.id)), page: .init(), by: anna)
            #expect(onCompany.items.map(\.id) == [call.id])
            let onContact = try await service.list(.init(record: .init(entity: "contact", id: person.contact.id)), page: .init(),
                                                   by: anna)
            #expect(onContact.items.map(\.id) == [call.id])
            let history = try await harness.services.companies.history(company.id, page: .init(), by: anna).items
            #expect(history.contains { $0.changes.contains { $0.field == "interaction" && $0.new == "Кухня в новостройку" } })
            // the colleague taking part reads it but may not change it
            let borisP = try await harness.principal(boris)
            #expect(try await service.get(call.id, by: borisP).interaction.id == call.id)
            await #expect(throws: RapportError.forbidden) {
                try await service.update(call.id, InteractionInput(result: "моё"), expectedVersion: nil, by: borisP)
            }
            // a stale version is refused; a change is kept with its history
            let changed = try await service.update(call.id, InteractionInput(durationMinutes: 15), expectedVersion: 1, by: anna)
            #expect(changed.durationMinutes == 15 && changed.version == 2)
            await #expect(throws: RapportError.stale(currentVersion: 2)) {
                try await service.update(call.id, InteractionInput(subject: "x"), expectedVersion: 1, by: anna)
            }
            let events = try await service.history(call.id, page: .init(), by: anna).items
            #expect(events.contains { $0.changes.contains { $0.field == "duration_minutes" && $0.old == "12" && $0.new == "15" } })
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func chains_follow_ups_and_the_work_queue(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Ромашка"), by: admin)
            let other = try await harness.services.companies.create(CompanyInput(shortName: "Василёк"), by: admin)
            let service = harness.services.interactions
            let now = harness.clock.now()
            let mail = try await service.create(InteractionInput(kind: "email", subject: "КП на кухню", startAt: Self.iso(now),
                                                                 channel: "buyer@romashka.example", direction: "outgoing",
                                                                 linkEntity: "company", linkID: company.id), by: admin)
            // a reply about the same client and subject joins the chain; another client's does not
            let reply = try await service.create(InteractionInput(kind: "email", subject: "Re: RE[2]:  кп на  КУХНЮ",
                                                                  startAt: Self.iso(now.addingTimeInterval(60)),
                                                                  channel: "buyer@romashka.example", direction: "incoming",
                                                                  linkEntity: "company", linkID: company.id), by: admin)
            #expect(reply.threadID == mail.id)
            let elsewhere = try await service.create(InteractionInput(kind: "email", subject: "КП на кухню", startAt: Self.iso(now),
                                                                      linkEntity: "company", linkID: other.id), by: admin)
            #expect(elsewhere.threadID == elsewhere.id)
            #expect(Interaction.threadKey("Ответ: Fwd: Замер") == "замер")
            // a follow-up carries the data over, is planned for the next working day, and is in the chain
            let follow = try await service.followUp(reply.id, InteractionInput(kind: "call", subject: "Обсудить КП"), by: admin)
            #expect(follow.kind == .call && follow.status == .planned && follow.parentID == reply.id && follow.threadID == mail.id)
            #expect(follow.link == mail.link && follow.ownerID == admin.userID)
            #expect(follow.channel == nil && follow.direction == nil)  // a call keeps no e-mail address
            #expect(follow.startAt > now)
            let chain = try await service.get(follow.id, by: admin).chain.map(\.id)
            #expect(chain == [mail.id, reply.id, follow.id])
            // the queue: planned ones, oldest first; overdue once their time passed
            let later = try await service.create(InteractionInput(kind: "meeting", subject: "Встреча в салоне",
                                                                  startAt: Self.iso(now.addingTimeInterval(10 * 86_400)),
                                                                  status: "planned"), by: admin)
            let queue = try await service.list(.init(mineOnly: true, pendingOnly: true), page: .init(), by: admin).items.map(\.id)
            #expect(queue == [follow.id, later.id])
            #expect(try await service.overdueCount(by: admin) == 0)
            harness.clock.advance(by: 5 * 86_400)
            #expect(try await service.overdueCount(by: admin) == 1)
            let calls = try await service.list(.init(pendingOnly: true, kind: .call), page: .init(), by: admin).items
            #expect(calls.map(\.id) == [follow.id] && calls[0].isOverdue(at: harness.clock.now()))
            // held: leaves the queue and the count
            _ = try await service.update(follow.id, InteractionInput(state: "done", status: "held", result: "Согласны"),
                                         expectedVersion: nil, by: admin)
            #expect(try await service.overdueCount(by: admin) == 0)
            // keyset pages, newest first on a timeline
            let first = try await service.list(.init(record: .init(entity: "company", id: company.id)), page: .init(limit: 2), by: admin)
            #expect(first.items.map(\.id) == [follow.id, reply.id] && first.nextCursor != nil)
            let second = try await service.list(.init(record: .init(entity: "company", id: company.id)),
                                                page: .init(limit: 2, cursor: first.nextCursor), by: admin)
            #expect(second.items.map(\.id) == [mail.id] && second.nextCursor == nil)
            // removing one keeps its follow-ups
            try await service.delete(reply.id, expectedVersion: nil, by: admin)
            #expect(try await service.get(follow.id, by: admin).interaction.parentID == nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_contact_and_a_company_are_made_from_what_was_heard(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let service = harness.services.interactions
            let call = try await service.create(InteractionInput(
                kind: "call", subject: "Входящий звонок", channel: "8 (916) 555-12-34", direction: "incoming",
                advertisingSource: "Авито",
                participants: [.init(kind: "text", name: "Петров Иван Сергеевич"), .init(kind: "text", name: "ООО Ремонт-Сервис")]),
                by: admin)
            let made = try await service.createContact(from: call.id, position: 0, allowDuplicates: false, by: admin)
            let contact = try await harness.services.contacts.get(made.contactID, by: admin).contact
            #expect(contact.lastName == "Петров" && contact.firstName == "Иван" && contact.middleName == "Сергеевич")
            #expect(contact.channels.map(\.normalized) == ["+79165551234"])
            #expect(made.interaction.participants[0] == .init(kind: .contact, refID: contact.id, name: "Петров Иван Сергеевич"))
            #expect(made.interaction.link == .init(entity: "contact", id: contact.id))
            // the same person again is a possible duplicate, and nothing is written
            let again = try await service.create(InteractionInput(kind: "call", subject: "Снова", channel: "+79165551234",
                                                                  participants: [.init(kind: "text", name: "Иван Петров")]), by: admin)
            await #expect(throws: RapportError.self) {
                try await service.createContact(from: again.id, position: 0, allowDuplicates: false, by: admin)
            }
            #expect(try await service.get(again.id, by: admin).interaction.participants[0].kind == .text)
            // a company from the second participant keeps the advertising source; only text becomes a record
            let company = try await service.createCompany(from: call.id, position: 1, allowDuplicates: false, by: admin)
            let record = try await harness.services.companies.get(company.companyID, by: admin)
            #expect(record.shortName == "ООО Ремонт-Сервис" && record.advertisingSource == "Авито")
            #expect(company.interaction.participants[1].kind == .company)
            do {
                _ = try await service.createContact(from: call.id, position: 0, allowDuplicates: true, by: admin)
                Issue.record("a linked participant became a record again")
            } catch {
                #expect(fieldCodes(error) == ["position:not_text"])
            }
            // a text participant is linked to an existing record later
            let linked = try await service.linkParticipant(again.id, position: 0, entity: "contact", recordID: contact.id,
                                                           expectedVersion: nil, by: admin)
            #expect(linked.participants[0].refID == contact.id && linked.link == .init(entity: "contact", id: contact.id))
            // a call's channel that is no number is not taken for a phone
            let desk = try await service.create(InteractionInput(kind: "call", subject: "Через ресепшн", channel: "ресепшн, доб. 12",
                                                                 participants: [.init(kind: "text", name: "Мария Лебедева")]),
                                                by: admin)
            let mary = try await service.createContact(from: desk.id, position: 0, allowDuplicates: true, by: admin)
            #expect(try await harness.services.contacts.get(mary.contactID, by: admin).contact.channels.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_interactions_are_refused_with_the_field_named(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let colleague = try await harness.makeUser("colleague@x.example", role: .salesManager, department: a.id)
            let gone = try await harness.makeUser("gone@x.example", role: .salesManager, department: a.id)
            _ = try await harness.services.users.disable(gone.id, by: try await harness.admin())
            let other = try await harness.principal(try await harness.makeUser("other@x.example", role: .salesManager, department: b.id))
            let hidden = try await harness.services.companies.create(CompanyInput(shortName: "Чужая"), by: other)
            let service = harness.services.interactions
            let now = harness.clock.now()
            func refusal(_ input: InteractionInput) async -> [String] {
                do {
                    _ = try await service.create(input, by: anna)
                    return []
                } catch {
                    return fieldCodes(error)
                }
            }
            #expect(await refusal(InteractionInput(subject: "x")) == ["kind:required"])
            #expect(await refusal(InteractionInput(kind: "fax", subject: "x")) == ["kind:invalid"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "  ")) == ["subject:required"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", startAt: "вчера")) == ["start_at:invalid"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", durationMinutes: -5)) == ["duration_minutes:out_of_range"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", direction: "sideways", purpose: "gossip"))
                == ["direction:invalid", "type:invalid"])
            #expect(await refusal(InteractionInput(kind: "meeting", subject: "x", status: "planned",
                                                   reminders: [Self.iso(now.addingTimeInterval(-60))])) == ["reminders.0:past"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", ownerID: gone.id)) == ["owner_id:disabled"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", ownerID: colleague.id)) == ["\(RapportError.forbidden)"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", linkEntity: "company", linkID: hidden.id))
                == ["link_id:not_found"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", participants: [
                .init(kind: "company", id: hidden.id), .init(kind: "user", id: gone.id), .init(kind: "robot"),
                .init(kind: "text", name: " "), .init(kind: "contact"),
            ])) == ["participants.0.id:not_found", "participants.1.id:disabled", "participants.2.kind:invalid",
                    "participants.3.name:required", "participants.4.id:required"])
            // nothing was written; someone else's interaction is not found
            #expect(try await service.list(.init(mineOnly: true), page: .init(), by: anna).items.isEmpty)
            let theirs = try await service.create(InteractionInput(kind: "note", subject: "своё"), by: other)
            await #expect(throws: RapportError.notFound(entity: "interaction")) { try await service.get(theirs.id, by: anna) }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func interactions_are_kept_about_leads_and_deals(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let other = try await harness.principal(try await harness.makeUser("other@x.example", role: .salesManager, department: b.id))
            _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
            var leadInput = LeadInput()
            leadInput.firstName = "Ирина"
            leadInput.phones = ["+7 916 555-12-34"]
            let lead = try await harness.services.leads.create(leadInput, by: anna)
            var dealInput = DealInput()
            dealInput.title = "Кухня Котовой"
            let deal = try await harness.services.deals.create(dealInput, by: anna)
            let hidden = try await harness.services.leads.create(leadInput, by: other)
            let service = harness.services.interactions

            let call = try await service.create(InteractionInput(kind: "call", subject: "Перезвонила, ждёт КП", direction: "incoming",
                                                                 linkEntity: "lead", linkID: lead.id), by: anna)
            let meeting = try await service.create(InteractionInput(kind: "meeting", subject: "Замер", linkEntity: "deal",
                                                                    linkID: deal.id), by: anna)
            #expect(try await service.list(.init(record: .init(entity: "lead", id: lead.id)), page: .init(), by: anna).items.map(\.id)
                == [call.id])
            #expect(try await service.list(.init(record: .init(entity: "deal", id: deal.id)), page: .init(), by: anna).items.map(\.id)
                == [meeting.id])
            #expect(try await service.recordNames([call, meeting], by: anna)
                == [.init(entity: "lead", id: lead.id): lead.title, .init(entity: "deal", id: deal.id): "Кухня Котовой"])
            // The lead's history says a call was logged about it.
            let history = try await harness.services.leads.history(lead.id, page: .init(), by: anna).items
            #expect(history.contains { $0.changes.contains { $0.new == "Перезвонила, ждёт КП" } })

            func refusal(_ input: InteractionInput) async -> [String] {
                do { _ = try await service.create(input, by: anna); return [] } catch { return fieldCodes(error) }
            }
            // Someone else's lead, a lead that does not exist, a record kind that takes no interactions.
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", linkEntity: "lead", linkID: hidden.id))
                == ["link_id:not_found"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", linkEntity: "deal", linkID: deal.id + 100))
                == ["link_id:not_found"])
            #expect(await refusal(InteractionInput(kind: "call", subject: "x", linkEntity: "task", linkID: 1))
                == ["link_entity:invalid"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_meetings_reminder_says_what_it_is_about_and_fires_once(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let colleague = try await harness.makeUser("measurer@x.example")
            let client = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"), by: admin)
            let now = harness.clock.now()
            let visit = try await harness.services.interactions.create(InteractionInput(
                kind: "visit", subject: "Замер кухни", details: "Угловая кухня, КП №12 на 245 000 ₽",
                startAt: Self.iso(now.addingTimeInterval(7200)), durationMinutes: 180, channel: "ул. Ленина, 5, кв. 12",
                status: "planned", participants: [.init(kind: "user", id: colleague.id)],
                linkEntity: "company", linkID: client.id, reminders: [Self.iso(now.addingTimeInterval(3600))]), by: admin)
            harness.clock.advance(by: 3601)
            #expect(try await harness.services.timers.fireDue() == 1)
            #expect(try await harness.services.timers.fireDue() == 0)
            for person in [admin, try await harness.principal(colleague)] {
                let list = try await harness.services.notifications.list(page: .init(), by: person).items
                #expect(list.count == 1)
                #expect(list.first?.title == "Замер кухни" && list.first?.link == "/interactions/\(visit.id)")
                let body = list.first?.body ?? ""
                #expect(body.contains("Кухни Люкс") && body.contains("ул. Ленина, 5") && body.contains("245 000 ₽"))
            }
            // a cancelled visit reminds nobody
            let other = try await harness.services.interactions.create(InteractionInput(
                kind: "meeting", subject: "Встреча", startAt: Self.iso(harness.clock.now().addingTimeInterval(7200)),
                status: "planned", reminders: [Self.iso(harness.clock.now().addingTimeInterval(60))]), by: admin)
            _ = try await harness.services.interactions.update(other.id, InteractionInput(status: "cancelled"),
                                                                expectedVersion: nil, by: admin)
            harness.clock.advance(by: 120)
            #expect(try await harness.services.timers.fireDue() == 0)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_record_taking_part_is_named_only_to_those_who_may_read_it(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager,
                                                                                department: b.id))
            let secret = try await harness.services.contacts.create(ContactInput(firstName: "Тайный", lastName: "Клиент"), by: anna)
            let client = try await harness.services.companies.create(CompanyInput(shortName: "Закрытая компания"), by: anna)
            let now = harness.clock.now()
            let meeting = try await harness.services.interactions.create(InteractionInput(
                kind: "meeting", subject: "Встреча", startAt: Self.iso(now.addingTimeInterval(7200)), status: "planned",
                participants: [.init(kind: "contact", id: secret.contact.id), .init(kind: "user", id: boris.userID)],
                linkEntity: "company", linkID: client.id, reminders: [Self.iso(now.addingTimeInterval(3600))]), by: anna)
            #expect(meeting.participants[0].name == "Клиент Тайный")
            // boris takes part, so he reads the meeting — but not the contact's name
            let seen = try await harness.services.interactions.get(meeting.id, by: boris).interaction
            #expect(seen.participants[0] == .init(kind: .contact, refID: secret.contact.id, name: nil))
            let history = try await harness.services.interactions.history(meeting.id, page: .init(), by: boris).items
            #expect(!history.contains { $0.changes.contains { ($0.new ?? "").contains("Тайный") } })
            // his reminder leaves the client out; anna's names it
            harness.clock.advance(by: 3601)
            #expect(try await harness.services.timers.fireDue() == 1)
            let his = try await harness.services.notifications.list(page: .init(), by: boris).items.first?.body ?? ""
            let hers = try await harness.services.notifications.list(page: .init(), by: anna).items.first?.body ?? ""
            #expect(!his.contains("Закрытая компания") && hers.contains("Закрытая компания"))
            // a meeting anna leads with boris's client taking part (the administrator set it up): she
            // changes it, the participant she may not read stays, unnamed to her
            let theirs = try await harness.services.contacts.create(ContactInput(firstName: "Чужой", lastName: "Клиент"), by: boris)
            let shared = try await harness.services.interactions.create(InteractionInput(
                kind: "meeting", subject: "Общая встреча", status: "planned", participants: [.init(kind: "contact", id: theirs.contact.id)],
                ownerID: anna.userID), by: try await harness.admin())
            let kept = try await harness.services.interactions.update(shared.id, InteractionInput(
                subject: "Общая встреча в салоне",
                participants: [.init(kind: "contact", id: theirs.contact.id), .init(kind: "text", name: "Водитель")]),
                expectedVersion: nil, by: anna)
            #expect(kept.participants == [.init(kind: .contact, refID: theirs.contact.id, name: nil), .init(kind: .text, name: "Водитель")])
        }
    }
}
