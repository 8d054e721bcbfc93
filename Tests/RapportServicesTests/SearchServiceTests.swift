import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct SearchServiceTests {
    @Test func query_words_are_plain_and_phones_become_digits() {
        #expect(SearchText.query("Кухни-Люкс «Ёлка»") == ["кухни", "люкс", "елка"])
        #expect(SearchText.query("8 (916) 123-45-67") == ["79161234567"])
        #expect(SearchText.query("\"; DROP TABLE x; --*") == ["drop", "table"])
        #expect(SearchText.query("   ").isEmpty)
        #expect(SearchText.query("+7 916") == ["7916"])          // a phone as it is being typed
        #expect(SearchText.query("8 (916) 12") == ["791612"])
        #expect(SearchText.query("916-12") == ["91612"])
        #expect(SearchText.query("а Петров") == ["петров"])      // a single letter matches everything
        #expect(SearchText.query("+7").isEmpty)
        #expect(SearchText.body(["Иван"], phones: ["+79161234567"]) == "иван 79161234567 9161234567")
    }

    @Test(arguments: TestDatabase.kinds)
    func clients_are_found_by_name_inn_phone_and_email_within_scope(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            // setup
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager, department: b.id))
            let lux = try await harness.services.companies.create(CompanyInput(
                shortName: "Кухни Люкс", inn: "7707083893",
                channels: [ContactChannel(kind: .email, value: "info@lux.example")]), by: anna)
            let ivan = try await harness.services.contacts.create(ContactInput(
                firstName: "Иван", lastName: "Петров", channels: [ContactChannel(kind: .phone, value: "+7 916 123-45-67")]),
                by: anna)
            _ = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Борис"), by: boris)
            func found(_ q: String, by principal: Principal) async throws -> [Int64] {
                try await harness.services.search.search(q, by: principal).map(\.id)
            }
            // MUT + validation
            #expect(try await found("кух", by: anna) == [lux.id])          // Boris's company is not shown
            #expect(try await found("люкс кухни", by: anna) == [lux.id])
            #expect(try await found("7707083893", by: anna) == [lux.id])
            #expect(try await found("info@lux.example", by: anna) == [lux.id])
            #expect(try await found("INFO@lux", by: anna) == [lux.id])        // an e-mail as far as it is typed
            #expect(try await found("@lux.example", by: anna) == [lux.id])    // a domain
            #expect(try await found("info@other.example", by: anna) == [])
            #expect(try await found("8 (916) 123-45-67", by: anna) == [ivan.contact.id])
            #expect(try await found("916123", by: anna) == [ivan.contact.id])
            #expect(try await found("петров", by: anna) == [ivan.contact.id])
            #expect(try await found("\"*(", by: anna) == [])
            // the index follows changes and deletes
            _ = try await harness.services.companies.update(lux.id, CompanyInput(shortName: "Мебель Люкс"),
                                                            expectedVersion: nil, by: anna)
            #expect(try await found("кух", by: anna) == [])
            #expect(try await found("мебель", by: anna) == [lux.id])
            let admin = try await harness.admin()
            try await harness.services.contacts.delete(ivan.contact.id, expectedVersion: nil, by: admin)
            #expect(try await found("петров", by: anna) == [])
        }
    }
}
