import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct MergeServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func merging_two_companies_loses_nothing(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            // setup: the same client entered twice, with a person and a tie on the duplicate
            let admin = try await harness.admin()
            let companies = harness.services.companies
            let survivor = try await companies.create(CompanyInput(
                shortName: "Кухни Люкс", channels: [ContactChannel(kind: .phone, value: "+7 495 123-45-67")],
                region: "Москва"), by: admin)
            let duplicate = try await companies.create(CompanyInput(
                shortName: "ООО Кухни-Люкс", inn: "7707083893",
                addresses: [Address(kind: "legal", text: "Москва, Ленина 1")],
                channels: [ContactChannel(kind: .phone, value: "8 495 1234567"), ContactChannel(kind: .email, value: "lux@x.example")],
                region: "Тверь"),
                allowDuplicates: true, by: admin)
            let person = try await harness.services.contacts.create(ContactInput(
                firstName: "Анна", companies: [.init(companyID: duplicate.id, role: "директор")]), by: admin)
            let partner = try await companies.create(CompanyInput(shortName: "Партнёр"), by: admin)
            _ = try await harness.services.relationships.add(.company, duplicate.id, to: partner.id, kind: "partner", note: nil,
                                                             by: admin)
            // MUT
            let merged = try await harness.services.merge.mergeCompanies(survivor.id, duplicate: duplicate.id,
                                                                         take: ["inn"], expectedVersion: 1, by: admin)
            // validation: chosen fields, united channels and addresses, moved people and ties
            #expect(merged.inn == "7707083893")
            #expect(merged.region == "Москва")
            #expect(merged.shortName == "Кухни Люкс")
            #expect(merged.channels.map(\.normalized) == ["+74951234567", "lux@x.example"])
            #expect(merged.addresses == [Address(kind: "legal", text: "Москва, Ленина 1")])
            #expect(try await harness.services.contacts.get(person.contact.id, by: admin).links.map(\.companyID) == [survivor.id])
            #expect(try await harness.services.relationships.list(.company, survivor.id, by: admin).map(\.otherID) == [partner.id])
            await #expect(throws: RapportError.notFound(entity: "company")) { try await companies.get(duplicate.id, by: admin) }
            // the duplicate's life and last state show on the survivor
            let history = try await companies.history(survivor.id, page: .init(limit: 100), by: admin).items
            let lastState = try #require(history.first { $0.entityID == duplicate.id && $0.action == .merged })
            #expect(lastState.changes.contains(FieldChange(field: "region", old: "Тверь", new: nil)))
            #expect(history.contains { $0.entityID == duplicate.id && $0.action == .created })
            let survivorEvent = try #require(history.first { $0.entityID == survivor.id && $0.action == .merged })
            #expect(survivorEvent.changes.contains(FieldChange(field: "inn", old: nil, new: "7707083893")))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_merges_are_refused_and_change_nothing(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .headOfSales, department: a.id))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .headOfSales, department: b.id))
            let mine = try await harness.services.contacts.create(.init(firstName: "Иван", lastName: "Свой"), by: anna)
            let other = try await harness.services.contacts.create(.init(firstName: "Пётр", lastName: "Второй"), by: anna)
            let theirs = try await harness.services.contacts.create(.init(firstName: "Олег", lastName: "Чужой"), by: boris)
            let merge = harness.services.merge
            // with itself
            await #expect(throws: RapportError.validation([
                FieldError(field: "duplicate_id", code: "merge_self", message: "a record cannot be merged with itself"),
            ])) { try await merge.mergeContacts(mine.contact.id, duplicate: mine.contact.id, take: [], expectedVersion: nil, by: anna) }
            // with one she may not see: named as not found, nothing leaks
            await #expect(throws: RapportError.validation([
                FieldError(field: "duplicate_id", code: "not_found", message: "no contact with id \(theirs.contact.id)"),
            ])) { try await merge.mergeContacts(mine.contact.id, duplicate: theirs.contact.id, take: [], expectedVersion: nil, by: anna) }
            // a field that cannot be taken
            await #expect(throws: RapportError.self) {
                try await merge.mergeContacts(mine.contact.id, duplicate: other.contact.id, take: ["channels"], expectedVersion: nil,
                                              by: anna)
            }
            // a stale version
            await #expect(throws: RapportError.stale(currentVersion: 1)) {
                try await merge.mergeContacts(mine.contact.id, duplicate: other.contact.id, take: [], expectedVersion: 5, by: anna)
            }
            #expect(try await harness.services.contacts.list(.init(), page: .init(), by: admin).items.count == 3)
            // and a good one, taking the name
            let merged = try await merge.mergeContacts(mine.contact.id, duplicate: other.contact.id,
                                                       take: ["first_name", "last_name"], expectedVersion: 1, by: anna)
            #expect(merged.displayName == "Второй Пётр")
            #expect(try await harness.services.contacts.list(.init(), page: .init(), by: admin).items.count == 2)
        }
    }
}
