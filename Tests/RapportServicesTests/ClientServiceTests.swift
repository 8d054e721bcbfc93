import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct ClientServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func a_company_keeps_every_attribute_and_its_history(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            // setup
            let admin = try await harness.admin()
            let input = CompanyInput(
                kind: "client", status: "active", shortName: "Кухни Люкс", fullName: "ООО «Кухни Люкс»",
                inn: "7707083893", kpp: "773601001", addresses: [Address(kind: "legal", text: "Москва, ул. Ленина, 1")],
                bankAccount: BankAccount(bankName: "Сбербанк", bik: "044525225", account: "40702810900000000001"),
                channels: [ContactChannel(kind: .phone, type: "work", value: "+7 495 123-45-67"),
                           ContactChannel(kind: .email, value: "Info@Lux.Example")],
                region: "Москва", timeZone: "Europe/Moscow", reliability: "high", clientClass: "VIP",
                leadTimeDays: 30, advertisingSource: "Яндекс", birthday: "2010-05-17", workStartedOn: "2024-01-15")
            // MUT
            let company = try await harness.services.companies.create(input, by: admin)
            let loaded = try await harness.services.companies.get(company.id, by: admin)
            // validation
            #expect(loaded == company)
            #expect(loaded.ownerID == admin.userID)
            #expect(loaded.channels.map(\.normalized) == ["+74951234567", "info@lux.example"])
            #expect(loaded.birthday?.description == "2010-05-17")
            let updated = try await harness.services.companies.update(company.id, CompanyInput(status: "prospect", kpp: ""),
                                                                      expectedVersion: 1, by: admin)
            #expect(updated.kpp == nil && updated.version == 2)
            let history = try await harness.services.events.list(.init(entity: "company", entityID: company.id),
                                                                 page: .init(), by: admin).items
            #expect(history.map(\.action) == [.updated, .created])
            #expect(history[0].changes.contains(FieldChange(field: "kpp", old: "773601001", new: nil)))
            #expect(history[1].changes.contains(FieldChange(field: "inn", old: nil, new: "7707083893")))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_company_input_names_every_field(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            do {
                _ = try await harness.services.companies.create(CompanyInput(
                    kind: "friend", shortName: "", inn: "7707083894", kpp: "77360100",
                    bankAccount: BankAccount(bik: "12"), channels: [ContactChannel(kind: .email, value: "nope")],
                    timeZone: "Moon/Base", leadTimeDays: -1, birthday: "2023-02-30"), by: admin)
                Issue.record("should be refused")
            } catch RapportError.validation(let errors) {
                let byField = Dictionary(errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
                #expect(Set(byField.keys) == ["kind", "short_name", "inn", "kpp", "bank_account.bik", "channels[0].value",
                                              "time_zone", "lead_time_days", "birthday"])
                #expect(byField["inn"]?.contains("check digit 10") == true)
            }
            // a KPP needs an organisation's INN
            await #expect(throws: RapportError.validation([
                FieldError(field: "kpp", code: "needs_inn", message: "a KPP belongs to an organisation with a 10-digit INN"),
            ])) {
                try await harness.services.companies.create(
                    CompanyInput(shortName: "ИП Иванов", inn: "500100732259", kpp: "773601001"), by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_disabled_or_unknown_responsible_is_refused(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let gone = try await harness.makeUser("gone@x.example", role: .salesManager)
            _ = try await harness.services.users.disable(gone.id, by: admin)
            await #expect(throws: RapportError.self) {
                try await harness.services.companies.create(CompanyInput(shortName: "A", ownerID: gone.id), by: admin)
            }
            await #expect(throws: RapportError.self) {
                try await harness.services.contacts.create(ContactInput(firstName: "B", ownerID: 999_999), by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func clients_outside_the_scope_are_not_found_and_not_listed(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            // setup: two salons; managers see their department's clients (built-in sales manager role)
            let a = try await harness.department("Салон А")
            let b = try await harness.department("Салон Б")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager, department: b.id))
            let mine = try await harness.services.companies.create(CompanyInput(shortName: "Анны клиент"), by: anna)
            let theirs = try await harness.services.companies.create(CompanyInput(shortName: "Бориса клиент"), by: boris)
            // MUT + validation
            #expect(try await harness.services.companies.get(mine.id, by: anna).id == mine.id)
            await #expect(throws: RapportError.notFound(entity: "company")) {
                try await harness.services.companies.get(theirs.id, by: anna)
            }
            let listed = try await harness.services.companies.list(.init(), page: .init(), by: anna).items.map(\.id)
            #expect(listed == [mine.id])
            await #expect(throws: RapportError.notFound(entity: "company")) {
                try await harness.services.companies.update(theirs.id, CompanyInput(region: "x"), expectedVersion: nil, by: anna)
            }
            // a contact may not be linked to a company its creator cannot see
            await #expect(throws: RapportError.self) {
                try await harness.services.contacts.create(
                    ContactInput(firstName: "Иван", companies: [.init(companyID: theirs.id)]), by: anna)
            }
            // sales managers may not delete
            await #expect(throws: RapportError.forbidden) {
                try await harness.services.companies.delete(mine.id, expectedVersion: nil, by: anna)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func contacts_belong_to_companies_with_a_role(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let lux = try await harness.services.companies.create(CompanyInput(shortName: "Люкс"), by: admin)
            let dom = try await harness.services.companies.create(CompanyInput(shortName: "Дом"), by: admin)
            let card = try await harness.services.contacts.create(ContactInput(
                firstName: "Анна", middleName: "Игоревна", lastName: "Морозова", position: "Дизайнер",
                channels: [ContactChannel(kind: .phone, value: "8 916 123 45 67")], birthday: "1990-03-08",
                timeZone: "Asia/Yekaterinburg", companies: [.init(companyID: lux.id, role: "дизайнер")]), by: admin)
            #expect(card.contact.displayName == "Морозова Анна Игоревна")
            #expect(card.links == [CompanyLink(companyID: lux.id, contactID: card.contact.id, role: "дизайнер")])
            let moved = try await harness.services.contacts.update(
                card.contact.id, ContactInput(companies: [.init(companyID: dom.id, role: "покупатель")]),
                expectedVersion: nil, by: admin)
            #expect(moved.links.map(\.companyID) == [dom.id])
            let ofDom = try await harness.services.contacts.list(.init(companyID: dom.id), page: .init(), by: admin).items
            #expect(ofDom.map(\.id) == [card.contact.id])
            #expect(try await harness.services.contacts.list(.init(companyID: lux.id), page: .init(), by: admin).items.isEmpty)
            // a company deleted keeps its people, without the link
            try await harness.services.companies.delete(dom.id, expectedVersion: nil, by: admin)
            #expect(try await harness.services.contacts.get(card.contact.id, by: admin).links.isEmpty)
            await #expect(throws: RapportError.self) {
                try await harness.services.contacts.update(card.contact.id,
                                                           ContactInput(companies: [.init(companyID: lux.id), .init(companyID: lux.id)]),
                                                           expectedVersion: nil, by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func client_lists_search_by_name_and_inn_and_page(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            for name in ["Альфа", "альфа-строй", "Бета", "Гамма", "50% скидка"] {
                _ = try await harness.services.companies.create(CompanyInput(shortName: name), by: admin)
            }
            _ = try await harness.services.companies.create(CompanyInput(shortName: "Сбер", inn: "7707083893"), by: admin)
            let names = { (q: String) in
                try await harness.services.companies.list(.init(search: q), page: .init(), by: admin).items.map(\.shortName)
            }
            #expect(try await names("АЛЬФА") == ["Альфа", "альфа-строй"])
            #expect(try await names("7707083893") == ["Сбер"])
            #expect(try await names("%").isEmpty)
            #expect(try await names("50%") == ["50% скидка"])
            var seen: [String] = []
            var cursor: PageCursor?
            repeat {
                let page = try await harness.services.companies.list(.init(), page: .init(limit: 2, cursor: cursor), by: admin)
                seen += page.items.map(\.shortName)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen.count == 6 && Set(seen).count == 6)
        }
    }
}
