import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct SavedViewServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func views_keep_known_filters_and_belong_to_their_user(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let anna = try await harness.principal(try await harness.makeUser("anna@x.example", role: .salesManager))
            let boris = try await harness.principal(try await harness.makeUser("boris@x.example", role: .salesManager))
            let views = harness.services.savedViews
            // MUT: unknown and empty filters are dropped, the rest kept in a stable order
            let view = try await views.create(entity: "company", name: "Дилеры Москвы",
                                              query: "?status=active&kind=dealer&cursor=abc&evil=1&region=", by: anna)
            #expect(view.query == "kind=dealer&status=active")
            #expect(try await views.list(entity: "company", by: anna).map(\.name).first == "Дилеры Москвы")
            #expect(try await views.list(entity: nil, by: boris).isEmpty)
            // anything a client sends is parsed safely (control characters, broken escapes, junk)
            let junk = try await views.create(entity: "company", name: "Y\u{84}b",
                                              query: "\u{0F}I\u{DA}`\u{08}I&q=%E0%A4%A&region=%D0%9C%D0%A1%D0%9A&kind=a%00b", by: anna)
            #expect(junk.query == "region=%D0%9C%D0%A1%D0%9A")
            // someone else's view is not theirs to delete
            await #expect(throws: RapportError.notFound(entity: "saved_view")) { try await views.delete(view.id, by: boris) }
            // bad input is named
            do {
                _ = try await views.create(entity: "deal", name: " ", query: String(repeating: "x", count: 1001), by: anna)
                Issue.record("should be refused")
            } catch RapportError.validation(let errors) {
                #expect(Set(errors.map(\.field)) == ["entity", "name", "query"])
            }
            try await views.delete(view.id, by: anna)
            #expect(try await views.list(entity: nil, by: anna).map(\.id) == [junk.id])
        }
    }
}
