import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Leads from a spreadsheet, each into the stage its row names: a later stage's gate applies
/// to the row as to a move, and a row it refuses is rejected with exactly what is missing.
@Suite struct LeadImportTests {
    @Test(arguments: TestDatabase.kinds)
    func imported_leads_meet_the_gate_of_the_stage_they_go_into(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let installed = try await KitchenPipelines(env: harness.services.env).install(.en)
            let csv = """
                ФИО;Телефон;Email;Тема обращения;Тип клиента;Этап;Сумма
                Котова Ирина;+7 916 555-12-34;;угловые кухни;designer;;250000
                Петров Олег;+7 916 555-00-01;petrov@example.ru;прямые кухни;end customer;Catalogue and proposal sent;180000
                Сидоров Иван;+7 916 555-00-02;;кухни с островом;dealer;Measurement scheduled;
                Смирнова Анна;+7 916 555-00-03;;;;Client is ours;
                Орлова Мария;+7 916 555-00-04;;;;No such stage;
                """
            let imports = harness.services.imports
            let item = try await imports.upload(entity: "lead", fileName: "leads.csv", bytes: Data(csv.utf8), by: admin)
            #expect(item.mapping == [0: "full_name", 1: "phones", 2: "emails", 3: "topic", 4: "client_type", 5: "stage", 6: "amount"])
            _ = try await imports.start(item.id, by: admin)
            #expect(try await ImportServiceTests.worker(harness, imports).runNext())
            let done = try await imports.get(item.id, by: admin)
            #expect((done.created, done.rejected) == (2, 3))
            let report = try await imports.report(item.id, by: admin).split(separator: "\r\n").map(String.init)
            // No e-mail and no proposal sent: "Measurement scheduled" refuses the row; no topic or
            // type: "Client is ours" does.
            #expect(report.contains { $0.hasPrefix("4,rejected,") && $0.contains("E-mail; the document “proposal” sent by e-mail") })
            #expect(report.contains { $0.hasPrefix("5,rejected,") && $0.contains("Topic of the request") && $0.contains("Client type") })
            #expect(report.contains { $0.hasPrefix("6,rejected,") && $0.contains("stage") })
            let leads = try await harness.services.leads.list(PipelineRecordQuery(), page: .init(), by: admin).items
            let stage = Dictionary(uniqueKeysWithValues: installed.lead.stages.map { ($0.id, $0.name) })
            #expect(Set(leads.map { "\($0.title) → \(stage[$0.place.stageID] ?? "")" })
                == ["Котова Ирина → New", "Петров Олег → Catalogue and proposal sent"])
            #expect(leads.allSatisfy { $0.source == "import" })
            #expect(leads.first { $0.lastName == "Петров" }?.amount == 18_000_000)
        }
    }
}
