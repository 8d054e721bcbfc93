import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import SQLKit
import Testing

@Suite struct CustomFieldServiceTests {
    /// One field of every type on companies.
    static func defineAll(_ harness: TestHarness, _ admin: Principal) async throws {
        let fields = harness.services.customFields
        let specs: [CustomFieldInput] = [
            .init(entity: "company", code: "note", label: "Note", type: "text", filterable: true, showInList: true),
            .init(entity: "company", code: "area", label: "Area m²", type: "number", filterable: true, sortable: true),
            .init(entity: "company", code: "budget", label: "Budget", type: "money", filterable: true, sortable: true),
            .init(entity: "company", code: "met_on", label: "Met on", type: "date", filterable: true, sortable: true),
            .init(entity: "company", code: "call_at", label: "Call at", type: "datetime", sortable: true),
            .init(entity: "company", code: "vip", label: "VIP", type: "boolean", filterable: true),
            .init(entity: "company", code: "style", label: "Style", type: "choice",
                  options: [.init(label: "Modern"), .init(code: "classic", label: "Classic")], filterable: true),
            .init(entity: "company", code: "rooms", label: "Rooms", type: "multi_choice",
                  options: [.init(code: "kitchen", label: "Kitchen"), .init(code: "bath", label: "Bathroom")],
                  filterable: true),
            .init(entity: "company", code: "designer", label: "Designer", type: "user", filterable: true),
            .init(entity: "company", code: "parent", label: "Parent", type: "record", linkEntity: "company"),
        ]
        for spec in specs { _ = try await fields.create(spec, by: admin) }
    }

    @Test(arguments: TestDatabase.kinds)
    func values_of_every_type_are_stored_shown_and_kept_in_history(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            try await Self.defineAll(harness, admin)
            let other = try await harness.services.companies.create(CompanyInput(shortName: "Головная"), by: admin)
            // MUT
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс", custom: [
                "note": .text("  важный  "), "area": .text("12,5"), "budget": .text("1 234 567,89"),
                "met_on": .text("2026-03-01"), "call_at": .text("2026-03-01T10:00:00+03:00"), "vip": .text("да"),
                "style": .text("Modern"), "rooms": .list([.text("kitchen"), .text("Bathroom")]),
                "designer": .number(Double(admin.userID)), "parent": .text(String(other.id)),
            ]), by: admin)
            // validation
            let loaded = try await harness.services.companies.get(company.id, by: admin)
            #expect(loaded.custom == [
                "note": .text("важный"), "area": .number(12.5), "budget": .integer(123_456_789),
                "met_on": .text("2026-03-01"), "call_at": .integer(1_772_348_400_000), "vip": .bool(true),
                "style": .text("1"), "rooms": .list(["kitchen", "bath"]), "designer": .integer(admin.userID),
                "parent": .integer(other.id),
            ])
            // a partial change keeps the rest; null clears
            let updated = try await harness.services.companies.update(
                company.id, CompanyInput(custom: ["note": .null, "budget": .number(10.5)]), expectedVersion: nil, by: admin)
            #expect(updated.custom["note"] == nil && updated.custom["budget"] == .integer(1050))
            #expect(updated.custom["area"] == .number(12.5))
            let history = try await harness.services.events.list(.init(entity: "company", entityID: company.id),
                                                                 page: .init(), by: admin).items
            #expect(history[0].changes.contains(FieldChange(field: "custom.budget", old: "1234567.89", new: "10.50")))
            #expect(history[0].changes.contains(FieldChange(field: "custom.note", old: "важный", new: nil)))
            #expect(history[1].changes.contains(FieldChange(field: "custom.call_at", old: nil, new: "2026-03-01T07:00:00.000Z")))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bad_values_name_the_custom_field(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            try await Self.defineAll(harness, admin)
            _ = try await harness.services.customFields.create(
                .init(entity: "company", code: "segment", label: "Segment", type: "text", required: true), by: admin)
            do {
                _ = try await harness.services.companies.create(CompanyInput(shortName: "A", custom: [
                    "area": .text("много"), "budget": .text("10.555"), "met_on": .text("2026-02-30"),
                    "call_at": .text("tomorrow"), "vip": .text("maybe"), "style": .text("baroque"),
                    "rooms": .list([.text("garage")]), "designer": .number(999_999), "parent": .number(999_999),
                    "nope": .text("x"), "note": .text(String(repeating: "я", count: 2001)),
                ]), by: admin)
                Issue.record("should be refused")
            } catch RapportError.validation(let errors) {
                #expect(Set(errors.map(\.field)) == [
                    "custom.area", "custom.budget", "custom.met_on", "custom.call_at", "custom.vip", "custom.style",
                    "custom.rooms", "custom.designer", "custom.parent", "custom.nope", "custom.note", "custom.segment",
                ])
                #expect(errors.first { $0.field == "custom.segment" }?.code == "required")
                #expect(errors.first { $0.field == "custom.nope" }?.code == "unknown_field")
            }
            // nothing was written
            #expect(try await harness.services.companies.list(.init(), page: .init(), by: admin).items.isEmpty)
            // a required field cannot be cleared later
            let company = try await harness.services.companies.create(
                CompanyInput(shortName: "B", custom: ["segment": .text("retail")]), by: admin)
            await #expect(throws: RapportError.self) {
                try await harness.services.companies.update(company.id, CompanyInput(custom: ["segment": .text(" ")]),
                                                            expectedVersion: nil, by: admin)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func lists_filter_and_sort_by_custom_fields_through_pages(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            try await Self.defineAll(harness, admin)
            let budgets: [Double?] = [500, nil, 100.25, 300, nil, 100.25, 900]
            for (index, budget) in budgets.enumerated() {
                var custom: [String: CustomInput] = ["vip": .bool(index % 2 == 0),
                                                     "rooms": .list(index % 3 == 0 ? [.text("kitchen"), .text("bath")] : [.text("kitchen")])]
                if let budget { custom["budget"] = .number(budget) }
                if index == 4 { custom["met_on"] = .text("2025-12-31") }
                _ = try await harness.services.companies.create(CompanyInput(shortName: "Компания \(index)", custom: custom),
                                                                by: admin)
            }
            func names(_ query: ClientQuery) async throws -> [String] {
                var all: [String] = []
                var cursor: PageCursor?
                repeat {
                    let page = try await harness.services.companies.list(query, page: .init(limit: 2, cursor: cursor), by: admin)
                    all += page.items.map(\.shortName)
                    cursor = page.nextCursor
                } while cursor != nil
                return all
            }
            var bySort = ClientQuery()
            bySort.customSort = "budget"
            // MUT + validation: no value first, equal values by id, across pages of two
            #expect(try await names(bySort) == ["Компания 1", "Компания 4", "Компания 2", "Компания 5", "Компания 3",
                                                "Компания 0", "Компания 6"])
            bySort.descending = true
            #expect(try await names(bySort).first == "Компания 6")
            var range = ClientQuery()
            range.customParameters = ["cf.budget.from": "100.25", "cf.budget.to": "500"]
            #expect(try await names(range) == ["Компания 0", "Компания 2", "Компания 3", "Компания 5"])
            var vip = ClientQuery()
            vip.customParameters = ["cf.vip": "true", "cf.rooms": "bath"]
            #expect(try await names(vip) == ["Компания 0", "Компания 6"])
            var empty = ClientQuery()
            empty.customParameters = ["cf.budget.empty": "true"]
            #expect(try await names(empty) == ["Компания 1", "Компания 4"])
            var dated = ClientQuery()
            dated.customParameters = ["cf.met_on.to": "2026-01-01"]
            #expect(try await names(dated) == ["Компания 4"])
            // bad filters name the parameter
            for (parameters, field) in [(["cf.call_at": "2026-01-01T00:00:00Z"], "cf.call_at"), (["cf.zzz": "1"], "cf.zzz"),
                                        (["cf.note.from": "a"], "cf.note.from"), (["cf.budget": "lots"], "cf.budget")] {
                var bad = ClientQuery()
                bad.customParameters = parameters
                do {
                    _ = try await harness.services.companies.list(bad, page: .init(), by: admin)
                    Issue.record("\(parameters) should be refused")
                } catch RapportError.validation(let errors) {
                    #expect(errors.map(\.field) == [field])
                }
            }
            var badSort = ClientQuery()
            badSort.customSort = "rooms"
            do {
                _ = try await harness.services.companies.list(badSort, page: .init(), by: admin)
                Issue.record("should be refused")
            } catch RapportError.validation(let errors) {
                #expect(errors.map(\.field) == ["sort"])
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func definitions_are_checked_and_archiving_keeps_values(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let fields = harness.services.customFields
            func refused(_ input: CustomFieldInput) async throws -> [String] {
                do {
                    _ = try await fields.create(input, by: admin)
                    return []
                } catch RapportError.validation(let errors) {
                    return errors.map(\.field)
                }
            }
            #expect(try await refused(.init(entity: "invoice", code: "x", label: "X", type: "text")) == ["entity"])
            #expect(try await refused(.init(entity: "company", code: "1x", label: "X", type: "text")) == ["code"])
            #expect(try await refused(.init(entity: "company", code: "inn", label: "X", type: "text")) == ["code"])
            #expect(try await refused(.init(entity: "company", code: "x", label: " ", type: "colour")) == ["type"])
            #expect(try await refused(.init(entity: "company", code: "x", label: "X", type: "choice")) == ["options"])
            #expect(try await refused(.init(entity: "company", code: "x", label: "X", type: "choice",
                                             options: [.init(label: "A"), .init(label: "a")])) == ["options[1].label"])
            #expect(try await refused(.init(entity: "company", code: "x", label: "X", type: "record")) == ["link_entity"])
            #expect(try await refused(.init(entity: "company", code: "x", label: "X", type: "multi_choice",
                                             options: [.init(label: "A")], sortable: true)) == ["sortable"])
            #expect(try await refused(.init(entity: "company", code: "x", label: "X", type: "money", currency: "XXX")) == ["currency"])
            // a member may read but not define
            let member = try await harness.principal(try await harness.makeUser("m@test.example", role: .salesManager))
            await #expect(throws: RapportError.forbidden) {
                try await fields.create(.init(entity: "company", code: "x", label: "X", type: "text"), by: member)
            }
            // archive: the value stays in the record, the code stays taken, restore brings it back
            let field = try await fields.create(.init(entity: "contact", code: "hobby", label: "Hobby", type: "choice",
                                                      options: [.init(label: "Fishing"), .init(label: "Chess")],
                                                      filterable: true), by: admin)
            let person = try await harness.services.contacts.create(
                ContactInput(firstName: "Иван", custom: ["hobby": .text("Chess")]), by: admin)
            await #expect(throws: RapportError.self) {
                try await fields.update(field.id, .init(options: [.init(code: "1", label: "Fishing")]),
                                        expectedVersion: nil, by: admin)
            }
            let renamed = try await fields.update(field.id, .init(options: [.init(code: "1", label: "Рыбалка"),
                                                                           .init(code: "2", label: "Шахматы")]),
                                                  expectedVersion: field.version, by: admin)
            #expect(renamed.options.map(\.label) == ["Рыбалка", "Шахматы"])
            _ = try await fields.archive(field.id, expectedVersion: nil, by: admin)
            #expect(try await refused(.init(entity: "contact", code: "hobby", label: "H", type: "text")) == ["code"])
            #expect(try await fields.list(entity: .contact, by: admin).isEmpty)
            let kept = try await harness.services.contacts.get(person.contact.id, by: admin)
            #expect(kept.contact.custom["hobby"] == .text("2"))
            // an update of an archived field's value is refused as unknown
            await #expect(throws: RapportError.self) {
                try await harness.services.contacts.update(person.contact.id, ContactInput(custom: ["hobby": .text("1")]),
                                                           expectedVersion: nil, by: admin)
            }
            _ = try await fields.archive(field.id, archived: false, expectedVersion: nil, by: admin)
            var query = ClientQuery()
            query.customParameters = ["cf.hobby": "Шахматы"]
            #expect(try await harness.services.contacts.list(query, page: .init(), by: admin).items.count == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func filterable_fields_are_indexed_and_the_index_is_used(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let field = try await harness.services.customFields.create(
                .init(entity: "company", code: "budget", label: "Budget", type: "money", filterable: true), by: admin)
            let database = harness.services.env.database
            let sql = kind == .sqlite
                ? "EXPLAIN QUERY PLAN SELECT id FROM companies WHERE COALESCE(json_extract(companies.custom, '$.budget'), -9000000000000000000) >= 100"
                : "EXPLAIN SELECT id FROM companies WHERE COALESCE((companies.custom ->> 'budget')::bigint, -9000000000000000000) >= 100"
            func plan() async throws -> String {
                try await database.transaction { db in
                    if kind == .postgres { try await db.raw("SET LOCAL enable_seqscan = off").run() }
                    let rows = try await db.raw(SQLQueryString(sql)).all()
                    return try rows.map { row in
                        try row.decode(column: kind == .sqlite ? "detail" : "QUERY PLAN", as: String.self)
                    }.joined(separator: "\n")
                }
            }
            // MUT + validation
            #expect(try await plan().contains("custom_company_\(field.id)"))
            if kind == .sqlite {
                // A filtered list in name order is read from the index in order: no sort.
                let sql = """
                    EXPLAIN QUERY PLAN SELECT id FROM companies INDEXED BY custom_company_\(field.id)
                    WHERE COALESCE(json_extract(companies.custom, '$.budget'), -9000000000000000000) = 100
                    ORDER BY companies.name_key, companies.id LIMIT 51
                    """
                let ordered = try await database.read { db in
                    try await db.raw(SQLQueryString(sql)).all().map { try $0.decode(column: "detail", as: String.self) }
                        .joined(separator: "\n")
                }
                #expect(!ordered.contains("TEMP B-TREE"), "\(ordered)")
            }
            _ = try await harness.services.customFields.update(field.id, .init(filterable: false), expectedVersion: nil,
                                                              by: admin)
            #expect(try await !plan().contains("custom_company_\(field.id)"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_merge_keeps_custom_values_and_takes_the_chosen_ones(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            try await Self.defineAll(harness, admin)
            let survivor = try await harness.services.companies.create(
                CompanyInput(shortName: "Альфа", custom: ["note": .text("мой"), "area": .number(10)]), by: admin)
            let duplicate = try await harness.services.companies.create(
                CompanyInput(shortName: "Альфа дубль", custom: ["note": .text("его"), "area": .number(20),
                                                                 "vip": .bool(true)]), by: admin)
            // MUT
            let merged = try await harness.services.merge.mergeCompanies(
                survivor.id, duplicate: duplicate.id, take: ["custom.area"], expectedVersion: nil, by: admin)
            // validation: the taken value, the survivor's own, and the one only the duplicate had
            #expect(merged.custom == ["note": .text("мой"), "area": .integer(20), "vip": .bool(true)])
            await #expect(throws: RapportError.self) {
                try await harness.services.merge.mergeCompanies(survivor.id, duplicate: 999, take: ["custom.nope"],
                                                                expectedVersion: nil, by: admin)
            }
        }
    }
}
