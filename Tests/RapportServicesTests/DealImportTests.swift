import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Deals from a spreadsheet: the client found by INN, name, e-mail or phone, the pipeline and
/// stage by name; a row into a stage whose gate it does not meet is rejected with the list.
@Suite struct DealImportTests {
    @Test(arguments: TestDatabase.kinds)
    func imported_deals_find_their_clients_and_meet_the_gate(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс", inn: "7707083893"),
                                                                        by: admin)
            let orlova = try await harness.services.contacts.create(
                ContactInput(firstName: "Мария", lastName: "Орлова",
                             channels: [ContactChannel(kind: .email, value: "Orlova@Example.ru"),
                                        ContactChannel(kind: .phone, value: "+7 916 555-00-04")]), by: admin).contact
            let csv = """
                Название;Компания;Контакт;Сумма;Валюта;Дата закрытия;Вероятность;Воронка;Этап
                Кухня Орловых;7707083893;orlova@example.ru;350000;RUB;31.12.2026;60 %;Custom kitchens;Measurement done
                Кухня на даче;Кухни Люкс;Орлова Мария;120000;;;;;Prepayment
                Кухня по телефону;;8 (916) 555-00-04;;;;;;
                Кухня без цены;;;;;;;;Cost calculated
                Кухня ниоткуда;ООО Нет такой;;;;;;;
                Кухня в пустоту;;;;;;;Нет воронки;
                Кухня наугад;;;;;;около половины;;
                Кухня незнакомца;;Котов Пётр;;;;;;
                """
            let imports = harness.services.imports
            let item = try await imports.upload(entity: "deal", fileName: "deals.csv", bytes: Data(csv.utf8), by: admin)
            #expect(item.mapping == [0: "title", 1: "company", 2: "contact", 3: "amount", 4: "currency", 5: "close_date",
                                     6: "probability", 7: "pipeline", 8: "stage"])
            _ = try await imports.start(item.id, by: admin)
            #expect(try await ImportServiceTests.worker(harness, imports).runNext())
            let done = try await imports.get(item.id, by: admin)
            #expect((done.created, done.rejected) == (3, 5))
            let report = try await imports.report(item.id, by: admin).split(separator: "\r\n").map(String.init)
            // "Cost calculated" wants line items and an amount above zero.
            #expect(report.contains { $0.hasPrefix("5,rejected,") && $0.contains("amount > 0") })
            #expect(report.contains { $0.hasPrefix("6,rejected,") && $0.contains("company") })
            #expect(report.contains { $0.hasPrefix("7,rejected,") && $0.contains("pipeline") })
            #expect(report.contains { $0.hasPrefix("8,rejected,") && $0.contains("probability") })
            #expect(report.contains { $0.hasPrefix("9,rejected,") && $0.contains("contact") })

            let deals = try await harness.services.deals.list(PipelineRecordQuery(), page: .init(), by: admin).items
            let stage = Dictionary(uniqueKeysWithValues: installed.deal.stages.map { ($0.id, $0.name) })
            #expect(Set(deals.map { "\($0.title) → \(stage[$0.place.stageID] ?? "")" })
                == ["Кухня Орловых → Measurement done", "Кухня на даче → Prepayment", "Кухня по телефону → Measurement done"])
            let first = try #require(deals.first { $0.title == "Кухня Орловых" })
            #expect(first.companyID == company.id && first.contactID == orlova.id)
            #expect(first.amount == 35_000_000 && first.probability == 60 && first.closeDate?.description == "2026-12-31")
            let second = try #require(deals.first { $0.title == "Кухня на даче" })
            #expect(second.companyID == company.id && second.contactID == orlova.id)
            #expect(deals.first { $0.title == "Кухня по телефону" }?.contactID == orlova.id)
            #expect(deals.allSatisfy { $0.ownerID == admin.userID && $0.place.pipelineID == installed.deal.id })
        }
    }
}
