import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

@Suite struct DuplicateControlTests {
    @Test func names_match_without_legal_forms_quotes_or_case() {
        #expect(NameMatch.key("ООО «Кухни Люкс»") == NameMatch.key("кухни люкс"))
        #expect(NameMatch.key("Кухни-Люкс, LLC") == "кухни люкс")
        #expect(NameMatch.key("Ёлка") == NameMatch.key("елка"))
        #expect(NameMatch.key("ООО") == nil)
        #expect(NameMatch.key("Кухни Люкс") != NameMatch.key("Кухни Лайт"))
    }

    @Test(arguments: TestDatabase.kinds)
    func a_company_like_an_existing_one_is_shown_before_saving(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let existing = try await harness.services.companies.create(CompanyInput(
                shortName: "ООО «Кухни Люкс»", inn: "7707083893",
                channels: [ContactChannel(kind: .phone, value: "+7 495 123-45-67"),
                           ContactChannel(kind: .email, value: "info@lux.example")]), by: admin)
            func reasons(_ input: CompanyInput) async throws -> [DuplicateReason] {
                do {
                    _ = try await harness.services.companies.create(input, by: admin)
                    return []
                } catch RapportError.possibleDuplicates(let candidates) {
                    #expect(candidates.map(\.id) == [existing.id])
                    return candidates.first?.reasons ?? []
                }
            }
            #expect(try await reasons(CompanyInput(shortName: "Другая", inn: "7707083893")) == [.taxID])
            #expect(try await reasons(CompanyInput(shortName: "Другая",
                                                   channels: [ContactChannel(kind: .phone, value: "8 (495) 1234567")])) == [.phone])
            #expect(try await reasons(CompanyInput(shortName: "Другая",
                                                   channels: [ContactChannel(kind: .email, value: "INFO@lux.example")])) == [.email])
            #expect(try await reasons(CompanyInput(shortName: "кухни люкс")) == [.name])
            // nothing was written by the refused attempts
            #expect(try await harness.services.companies.list(.init(), page: .init(), by: admin).items.count == 1)
            // a person who knows it is a different client saves it anyway
            let second = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"),
                                                                     allowDuplicates: true, by: admin)
            #expect(second.id != existing.id)
            #expect(try await reasons(CompanyInput(shortName: "Совсем другая")) == [])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func contacts_match_on_phone_email_and_name_but_hidden_records_are_not_shown(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager, department: b.id))
            let mine = try await harness.services.contacts.create(ContactInput(
                firstName: "Иван", lastName: "Петров", channels: [ContactChannel(kind: .email, value: "ivan@x.example")]),
                by: anna)
            _ = try await harness.services.contacts.create(ContactInput(
                firstName: "Олег", lastName: "Сидоров", channels: [ContactChannel(kind: .phone, value: "+7 916 000-00-01")]),
                by: boris)
            await #expect(throws: RapportError.possibleDuplicates([
                DuplicateCandidate(entity: "contact", id: mine.contact.id, name: "Петров Иван", reasons: [.email, .name]),
            ])) {
                try await harness.services.contacts.create(ContactInput(
                    firstName: "иван", middleName: "Петрович", lastName: "ПЕТРОВ",
                    channels: [ContactChannel(kind: .email, value: "Ivan@X.example")]), by: anna)
            }
            // Boris's contact has the same phone, but Anna may not see it: no hint, no leak.
            let saved = try await harness.services.contacts.create(ContactInput(
                firstName: "Пётр", lastName: "Новый", channels: [ContactChannel(kind: .phone, value: "8 916 000 00 01")]),
                by: anna)
            #expect(saved.contact.firstName == "Пётр")
        }
    }

    /// A person's name alone is weak evidence: namesakes whose middle names differ, or who
    /// both have phones (or both e-mails) and share none, are different people.
    @Test(arguments: TestDatabase.kinds)
    func namesakes_told_apart_by_middle_name_or_contact_details_are_not_duplicates(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let contacts = harness.services.contacts
            let elena = try await contacts.create(ContactInput(
                firstName: "Елена", middleName: "Сергеевна", lastName: "Иванова",
                channels: [ContactChannel(kind: .phone, value: "+7 916 111-11-11"), ContactChannel(kind: .email, value: "e1@x.example")]),
                by: admin)
            func matches(_ input: ContactInput) async throws -> [Int64] {
                do {
                    let saved = try await contacts.create(input, by: admin)
                    try await contacts.delete(saved.contact.id, expectedVersion: nil, by: admin)
                    return []
                } catch RapportError.possibleDuplicates(let candidates) {
                    return candidates.map(\.id)
                }
            }
            // MUT + validation: told apart by a different middle name, a different phone, a different e-mail
            #expect(try await matches(ContactInput(firstName: "Елена", middleName: "Петровна", lastName: "Иванова")).isEmpty)
            #expect(try await matches(ContactInput(firstName: "Елена", lastName: "Иванова",
                                                   channels: [ContactChannel(kind: .phone, value: "+7 916 222-22-22")])).isEmpty)
            #expect(try await matches(ContactInput(firstName: "Елена", lastName: "Иванова",
                                                   channels: [ContactChannel(kind: .email, value: "e2@x.example")])).isEmpty)
            // nothing tells them apart: the same name, the same middle name or none, a typo, other kinds of details
            #expect(try await matches(ContactInput(firstName: "Елена", lastName: "Иванова")) == [elena.contact.id])
            #expect(try await matches(ContactInput(firstName: "елена", middleName: "Сергеевна", lastName: "Иванова")) == [elena.contact.id])
            #expect(try await matches(ContactInput(firstName: "Елена", lastName: "Ивановаа")) == [elena.contact.id])
            #expect(try await matches(ContactInput(firstName: "Елена", lastName: "Иванова",
                                                   channels: [ContactChannel(kind: .messenger, value: "@elena")])) == [elena.contact.id])
            // a shared phone is a match whatever the middle name
            #expect(try await matches(ContactInput(firstName: "Елена", middleName: "Петровна", lastName: "Иванова",
                                                   channels: [ContactChannel(kind: .phone, value: "8 916 111 11 11")])) == [elena.contact.id])
        }
    }

    /// A person with a phone is a duplicate by name only of a namesake without one (the check
    /// reads only those names, migration 21): which people have a phone follows every change.
    @Test(arguments: TestDatabase.kinds)
    func a_person_with_a_phone_matches_by_name_only_namesakes_without_one(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let contacts = harness.services.contacts
            let phone = { (value: String) in [ContactChannel(kind: .phone, value: value)] }
            let without = try await contacts.create(ContactInput(firstName: "Ольга", lastName: "Смирнова"), by: admin)
            _ = try await contacts.create(ContactInput(firstName: "Ольга", lastName: "Смирнова",
                                                              channels: phone("+7 916 333-33-33")),
                                                 allowDuplicates: true, by: admin)
            func matches(_ input: ContactInput) async throws -> [DuplicateCandidate] {
                do {
                    let saved = try await contacts.create(input, by: admin)
                    try await contacts.delete(saved.contact.id, expectedVersion: nil, by: admin)
                    return []
                } catch RapportError.possibleDuplicates(let candidates) {
                    return candidates
                }
            }
            let newcomer = ContactInput(firstName: "Ольга", lastName: "Смирнова", channels: phone("+7 916 444-44-44"))
            // MUT + validation: the namesake without a phone matches by name, the one with another phone does not
            #expect(try await matches(newcomer).map(\.id) == [without.contact.id])
            var typo = newcomer
            typo.lastName = "Смирновва"
            #expect(try await matches(typo).map(\.reasons) == [[.similarName]])
            // a shared phone with the same name says both
            var same = newcomer
            same.channels = phone("8 916 333 33 33")
            #expect(try await matches(same).map(\.reasons) == [[.name], [.phone, .name]])
            // once she has a phone too, nothing matches; without it again, she matches again
            let withPhone = try await contacts.update(without.contact.id, ContactInput(channels: phone("+7 916 555-55-55")),
                                                      expectedVersion: nil, by: admin)
            #expect(try await matches(newcomer).isEmpty)
            #expect(try await matches(typo).isEmpty)
            _ = try await contacts.update(without.contact.id, ContactInput(channels: []), expectedVersion: withPhone.contact.version,
                                          by: admin)
            #expect(try await matches(typo).map(\.id) == [without.contact.id])
            // a phone that cannot be normalised is no phone to tell people apart by
            try await contacts.delete(without.contact.id, expectedVersion: nil, by: admin)
            #expect(try await matches(newcomer).isEmpty)
            #expect(try await matches(typo).isEmpty)
            let unreadable = try await contacts.create(ContactInput(firstName: "Ольга", lastName: "Смирнова",
                                                                    channels: phone("звонить секретарю")),
                                                       allowDuplicates: true, by: admin)
            #expect(try await matches(newcomer).map(\.id) == [unreadable.contact.id])
        }
    }

    /// People without a phone are found by their names' variants: the ones migration 22 makes
    /// in SQL for the people already there are those the services write.
    @Test(arguments: TestDatabase.kinds)
    func name_variants_made_by_the_database_are_those_the_services_write(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            for (first, last) in [("Анна", "Ёлкина"), ("Олег", "Ли"), ("Jo", "Bo"), ("Инна", "Аннова"), ("Zoë", "Müller")] {
                _ = try await harness.services.contacts.create(ContactInput(firstName: first, lastName: last), by: admin)
            }
            _ = try await harness.services.contacts.create(ContactInput(
                firstName: "Пётр", lastName: "Телефонов", channels: [ContactChannel(kind: .phone, value: "+7 916 000-00-01")]),
                by: admin)
            func variants() async throws -> [String] {
                try await harness.database.read { db in
                    try await db.raw("SELECT variant, contact_id FROM name_variants ORDER BY contact_id, variant").all()
                        .map { "\(try $0.decode(column: "contact_id", as: Int64.self)) \(try $0.decode(column: "variant", as: String.self))" }
                }
            }
            let written = try await variants()
            // MUT + validation: the migration's statement makes the same rows again
            let fill = try #require(AllMigrations.list.first { $0.version == 22 }).statements(for: kind)[2]
            try await harness.database.transaction { db in
                try await db.raw("DELETE FROM name_variants").run()
                try await db.raw(SQLQueryString(fill)).run()
            }
            #expect(try await variants() == written)
            // the person with a phone has none; names under five letters have none ("bo jo" has five with the space)
            let keys = Set(written.map { String($0.split(separator: " ", maxSplits: 1)[1]) })
            #expect(!keys.contains { $0.contains("телефонов") })
            #expect(keys.contains("елкина анна") && keys.contains("лкина анна") && keys.contains("ли олег"))
            #expect(NameVariants.of("ли ол").count == 6 && NameVariants.of("ли о").isEmpty)
        }
    }

    /// `rapport generate` writes clients in bulk, beside the services: they must be compared
    /// (and told apart) like clients saved one by one.
    @Test(arguments: TestDatabase.kinds)
    func generated_people_are_compared_like_saved_ones(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await ClientGenerator(env: harness.services.env).fill(companies: 3, contacts: 30)
            let people = try await harness.services.contacts.list(.init(), page: .init(limit: 50), by: admin).items
            let phoneless = try #require(people.first { p in p.lastName != nil && !p.channels.contains { $0.kind == .phone } })
            let phoned = try #require(people.first { p in p.lastName != nil && p.channels.contains { $0.kind == .phone } })
            func matches(_ person: Contact) async throws -> [Int64] {
                do {
                    _ = try await harness.services.contacts.create(ContactInput(
                        firstName: person.firstName, lastName: person.lastName,
                        channels: [ContactChannel(kind: .phone, value: "+7 999 000-00-00")]), by: admin)
                    return []
                } catch RapportError.possibleDuplicates(let candidates) {
                    return candidates.map(\.id)
                }
            }
            // MUT + validation: a namesake with a phone is found by name only when the generated person has none
            #expect(try await matches(phoneless).contains(phoneless.id))
            #expect(try await !matches(phoned).contains(phoned.id))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_name_with_a_typo_is_a_likely_duplicate_and_search_forgives_typos(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let existing = try await harness.services.companies.create(CompanyInput(shortName: "ООО «Мебельград»"), by: admin)
            let person = try await harness.services.contacts.create(
                ContactInput(firstName: "Александр", middleName: "Викторович", lastName: "Константинопольский"), by: admin)
            for index in 0..<30 {
                _ = try await harness.services.companies.create(CompanyInput(shortName: "Мебель \(index)"), by: admin)
            }
            func similar(_ input: CompanyInput) async throws -> [DuplicateCandidate] {
                do {
                    _ = try await harness.services.companies.create(input, by: admin)
                    return []
                } catch RapportError.possibleDuplicates(let candidates) {
                    return candidates
                }
            }
            // MUT + validation: a swapped pair, a missing letter
            #expect(try await similar(CompanyInput(shortName: "Мебельгард")).map(\.id) == [existing.id])
            #expect(try await similar(CompanyInput(shortName: "Мебельгрд")).first?.reasons == [.similarName])
            #expect(try await similar(CompanyInput(shortName: "Мебельторг")).isEmpty)
            do {
                _ = try await harness.services.contacts.create(
                    ContactInput(firstName: "Александр", lastName: "Константинопольскй"), by: admin)
                Issue.record("a typo in a surname should be shown")
            } catch RapportError.possibleDuplicates(let candidates) {
                #expect(candidates.map(\.id) == [person.contact.id])
            }
            // search: the exact words find nothing, the alike name is offered
            let hits = try await harness.services.search.search("мебельгард", by: admin)
            #expect(hits.first?.id == existing.id, "\(hits)")
            let people = try await harness.services.search.search("константинопольскй", by: admin)
            #expect(people.map(\.id) == [person.contact.id])
            // a short word with a typo: one of its halves is kept whole
            let emma = try await harness.services.contacts.create(ContactInput(firstName: "Emma", lastName: "Wilson"), by: admin)
            #expect(try await harness.services.search.search("wilsen", by: admin).map(\.id) == [emma.contact.id])
            // a merge or delete takes the name out of the index
            try await harness.services.companies.delete(existing.id, expectedVersion: nil, by: admin)
            #expect(try await similar(CompanyInput(shortName: "Мебельгард")).isEmpty)
        }
    }
}

extension DuplicateControlTests {
    @Test(arguments: TestDatabase.kinds)
    func a_change_that_makes_a_record_look_like_another_is_shown_before_saving(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let companies = harness.services.companies
            let lux = try await companies.create(CompanyInput(shortName: "Кухни Люкс", inn: "7707083893"), by: admin)
            let other = try await companies.create(CompanyInput(shortName: "Мебель Плюс"), by: admin)
            // MUT: giving the other company Lux's INN is refused, naming Lux; nothing changes
            await #expect(throws: RapportError.self) {
                try await companies.update(other.id, CompanyInput(inn: "7707083893"), expectedVersion: nil, by: admin)
            }
            do {
                _ = try await companies.update(other.id, CompanyInput(shortName: "кухни люкс"), expectedVersion: nil, by: admin)
                Issue.record("a name like Lux's was saved without a question")
            } catch RapportError.possibleDuplicates(let candidates) {
                #expect(candidates.map(\.id) == [lux.id] && candidates[0].reasons == [.name])
            }
            #expect(try await companies.get(other.id, by: admin).inn == nil)
            // confirmed, it is saved; later edits of other fields no longer ask
            let saved = try await companies.update(other.id, CompanyInput(inn: "7707083893"), expectedVersion: nil,
                                                   allowDuplicates: true, by: admin)
            #expect(saved.inn == "7707083893")
            let region = try await companies.update(other.id, CompanyInput(region: "Казань"), expectedVersion: nil, by: admin)
            #expect(region.region == "Казань")
            // contacts: a new phone that another person has is asked about; their own phone is not
            let contacts = harness.services.contacts
            let anna = try await contacts.create(
                ContactInput(firstName: "Анна", lastName: "Морозова", channels: [ContactChannel(kind: .phone, value: "+7 916 123-45-67")]),
                by: admin)
            let ivan = try await contacts.create(ContactInput(firstName: "Иван", lastName: "Петров"), by: admin)
            await #expect(throws: RapportError.self) {
                try await contacts.update(ivan.contact.id, ContactInput(channels: [ContactChannel(kind: .phone, value: "89161234567")]),
                                          expectedVersion: nil, by: admin)
            }
            let moved = try await contacts.update(
                anna.contact.id,
                ContactInput(position: "дизайнер", channels: [ContactChannel(kind: .phone, value: "+7 916 123-45-67")]),
                expectedVersion: nil, by: admin)
            #expect(moved.contact.position == "дизайнер")
            // someone who may not read Lux is not told about it
            let manager = try await harness.principal(try await harness.makeUser("m@test.example", role: .salesManager))
            let own = try await companies.create(CompanyInput(shortName: "Своя", ownerID: manager.userID), by: admin)
            let renamed = try await companies.update(own.id, CompanyInput(shortName: "Кухни Люкс"), expectedVersion: nil, by: manager)
            #expect(renamed.shortName == "Кухни Люкс")
        }
    }
}
