import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct RelationshipServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func a_tie_shows_on_both_cards_and_in_both_histories(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let parent = try await harness.services.companies.create(.init(shortName: "Холдинг"), by: admin)
            let child = try await harness.services.companies.create(.init(shortName: "Салон"), by: admin)
            // MUT
            let tie = try await harness.services.relationships.add(.company, parent.id, to: child.id, kind: "parent",
                                                                   note: "100 %", by: admin)
            // validation
            let fromParent = try await harness.services.relationships.list(.company, parent.id, by: admin)
            let fromChild = try await harness.services.relationships.list(.company, child.id, by: admin)
            #expect(fromParent.map(\.otherName) == ["Салон"])
            #expect(fromChild.map(\.otherName) == ["Холдинг"])
            #expect(fromChild.first?.relationship == tie)
            let history = try await harness.services.companies.history(child.id, page: .init(), by: admin).items
            #expect(history.first?.changes.first?.field == "relationships")
            await #expect(throws: RapportError.conflict("these records are already tied this way")) {
                try await harness.services.relationships.add(.company, child.id, to: parent.id, kind: "parent", note: nil, by: admin)
            }
            // bad input: itself, an unknown kind, a person's kind on companies, an unknown record
            for (to, kindName) in [(parent.id, "partner"), (child.id, "dragon"), (child.id, "family"), (424_242, "partner")] {
                await #expect(throws: RapportError.self) {
                    try await harness.services.relationships.add(.company, parent.id, to: to, kind: kindName, note: nil, by: admin)
                }
            }
            try await harness.services.relationships.remove(.company, child.id, relationship: tie.id, by: admin)
            #expect(try await harness.services.relationships.list(.company, parent.id, by: admin).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func ties_to_hidden_records_are_neither_made_nor_shown(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let a = try await harness.department("A")
            let b = try await harness.department("B")
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager, department: a.id))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager, department: b.id))
            let mine = try await harness.services.contacts.create(.init(firstName: "Иван", lastName: "Свой"), by: anna)
            let theirs = try await harness.services.contacts.create(.init(firstName: "Олег", lastName: "Чужой"), by: boris)
            await #expect(throws: RapportError.validation([
                FieldError(field: "to_id", code: "not_found", message: "no contact with id \(theirs.contact.id)"),
            ])) {
                try await harness.services.relationships.add(.contact, mine.contact.id, to: theirs.contact.id, kind: "knows",
                                                             note: nil, by: anna)
            }
            // the administrator ties them; Anna's card still does not show Boris's contact
            _ = try await harness.services.relationships.add(.contact, mine.contact.id, to: theirs.contact.id, kind: "family",
                                                             note: nil, by: admin)
            #expect(try await harness.services.relationships.list(.contact, mine.contact.id, by: anna).isEmpty)
            #expect(try await harness.services.relationships.list(.contact, mine.contact.id, by: admin).count == 1)
        }
    }
}
