import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
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
}
