import Foundation
import Logging
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import RapportWorkers
import Testing

@Suite struct ImportServiceTests {
    @Test func csv_is_read_as_spreadsheets_write_it() throws {
        let text = "\u{FEFF}Наименование;ИНН;Заметка\r\n\"ООО \"\"Кухни\"\"\";7707083893;\"две\nстроки\"\r\n\r\nБета;;x"
        #expect(try CSVReader.rows(Data(text.utf8)) == [
            ["Наименование", "ИНН", "Заметка"], ["ООО \"Кухни\"", "7707083893", "две\nстроки"], ["Бета", "", "x"],
        ])
        #expect(try CSVReader.rows(Data("a,b\n1,2\n".utf8)) == [["a", "b"], ["1", "2"]])
        let cp1251 = Data([0xCD, 0xE0, 0xE7, 0xE2, 0xE0, 0xED, 0xE8, 0xE5, 0x0A, 0xC0, 0xEB, 0xFC, 0xF4, 0xE0])  // Название\nАльфа
        #expect(try CSVReader.rows(cp1251) == [["Название"], ["Альфа"]])
        #expect(throws: CSVReader.Failure.self) { try CSVReader.rows(Data("a\n\"open".utf8)) }
    }

    static func worker(_ harness: TestHarness, _ service: ImportService) -> JobWorker {
        var logger = Logger(label: "rapport.test.import")
        logger.logLevel = .critical
        return JobWorker(queue: harness.services.jobs, handlers: [service], name: "importer", lease: 60, logger: logger)
    }

    @Test(arguments: TestDatabase.kinds)
    func a_file_is_mapped_previewed_and_imported_with_a_report(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await harness.services.customFields.create(
                .init(entity: "company", code: "budget", label: "Бюджет", type: "money"), by: admin)
            let existing = try await harness.services.companies.create(
                CompanyInput(shortName: "Старая", channels: [ContactChannel(kind: .phone, value: "+7 495 111-22-33")]), by: admin)
            let csv = """
                Наименование;ИНН;Телефон;Бюджет;Ответственный;Примечание
                Альфа;7707083893;+7 495 000-00-01;1 500,50;admin@test.example;первая
                Бета;7707083894;;;;неверный ИНН
                Гамма;;8 (495) 111-22-33;;;дубль по телефону
                ;;;;;без названия
                Дельта;;;много;;плохой бюджет
                Эпсилон;;;;nobody@test.example;неизвестный ответственный
                """
            let imports = harness.services.imports
            // MUT: upload — the mapping is guessed from the headers, the unknown column left out
            let item = try await imports.upload(entity: "company", fileName: "clients.csv", bytes: Data(csv.utf8), by: admin)
            #expect(item.totalRows == 6 && item.state == .draft)
            #expect(item.mapping == [0: "short_name", 1: "inn", 2: "phones", 3: "cf.budget", 4: "responsible"])
            // the preview runs every rule and writes nothing
            let preview = try await imports.preview(item.id, by: admin)
            #expect(preview.map(\.outcome) == [.created, .rejected, .skipped, .rejected, .rejected, .rejected])
            #expect(preview[1].reason.contains("inn"))
            #expect(preview[2].reason.contains("Старая"))
            #expect(try await harness.services.companies.list(.init(), page: .init(), by: admin).items.count == 1)
            // start, and the worker runs it
            _ = try await imports.start(item.id, by: admin)
            #expect(try await Self.worker(harness, imports).runNext())
            let done = try await imports.get(item.id, by: admin)
            #expect(done.state == .done && done.processed == 6)
            #expect((done.created, done.updated, done.skipped, done.rejected) == (1, 0, 1, 4))
            let alpha = try #require(try await harness.services.companies.list(ClientQuery(search: "Альфа"), page: .init(),
                                                                                by: admin).items.first)
            #expect(alpha.inn == "7707083893" && alpha.custom["budget"] == .integer(150_050))
            #expect(alpha.channels.first?.normalized == "+74950000001")
            // the report names each row that was not created, with the file's own cells
            let report = try await imports.report(item.id, by: admin)
            let lines = report.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 6)
            #expect(lines[1].hasPrefix("3,rejected,") && lines[1].contains("Бета"))
            #expect(lines[2].hasPrefix("4,skipped,") && lines[2].contains("#\(existing.id)"))
            #expect(lines[5].contains("responsible"))
            // the same columns next time get the same mapping back
            let again = try await imports.upload(entity: "company", fileName: "more.csv", bytes: Data(csv.utf8), by: admin)
            #expect(again.mapping == item.mapping)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func duplicates_can_update_the_match_and_bad_setups_are_refused(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let existing = try await harness.services.contacts.create(
                ContactInput(firstName: "Анна", lastName: "Морозова", channels: [ContactChannel(kind: .email, value: "anna@x.example")]),
                by: admin)
            let csv = "ФИО,E-mail,Телефон,Должность\nМорозова Анна,anna@x.example,+7 916 123-45-67,дизайнер\n"
            let imports = harness.services.imports
            let item = try await imports.upload(entity: "contact", fileName: "people.csv", bytes: Data(csv.utf8), by: admin)
            #expect(item.mapping == [0: "full_name", 1: "emails", 2: "phones", 3: "position"])
            // bad mappings and policies name the problem
            await #expect(throws: RapportError.self) {
                try await imports.configure(item.id, mapping: [0: "full_name", 1: "full_name"], policy: nil, by: admin)
            }
            await #expect(throws: RapportError.self) {
                try await imports.configure(item.id, mapping: [9: "position"], policy: nil, by: admin)
            }
            await #expect(throws: RapportError.self) { try await imports.configure(item.id, mapping: nil, policy: "merge", by: admin) }
            _ = try await imports.configure(item.id, mapping: nil, policy: "update", by: admin)
            _ = try await imports.start(item.id, by: admin)
            await #expect(throws: RapportError.self) { try await imports.start(item.id, by: admin) }
            #expect(try await Self.worker(harness, imports).runNext())
            // MUT + validation: the existing person got the new phone and position, nothing was added
            let card = try await harness.services.contacts.get(existing.contact.id, by: admin)
            #expect(card.contact.position == "дизайнер")
            #expect(card.contact.channels.compactMap(\.normalized) == ["anna@x.example", "+79161234567"])
            #expect(try await imports.get(item.id, by: admin).updated == 1)
            #expect(try await harness.services.contacts.list(.init(), page: .init(), by: admin).items.count == 1)
            // files that are not tables are refused at upload; someone else's import is not found
            await #expect(throws: RapportError.self) {
                try await imports.upload(entity: "contact", fileName: "x.csv", bytes: Data("только заголовок\n".utf8), by: admin)
            }
            await #expect(throws: RapportError.self) {
                try await imports.upload(entity: "invoice", fileName: "x.csv", bytes: Data(csv.utf8), by: admin)
            }
            let other = try await harness.principal(try await harness.makeUser("other@test.example"))
            await #expect(throws: RapportError.notFound(entity: "import")) { try await imports.get(item.id, by: other) }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func an_import_cut_off_mid_way_resumes_without_writing_a_row_twice(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            var csv = "Название,Телефон\n"
            for index in 0..<25 { csv += "Компания \(index),+7 900 000-00-\(String(format: "%02d", index))\n" }
            // the first run dies after its second batch of ten
            let crashing = ImportService(env: harness.services.env, batchSize: 10) { done in
                if done == 20 { throw CancellationError() }
            }
            let item = try await crashing.upload(entity: "company", fileName: "big.csv", bytes: Data(csv.utf8), by: admin)
            _ = try await crashing.configure(item.id, mapping: nil, policy: "create", by: admin)
            _ = try await crashing.start(item.id, by: admin)
            #expect(try await Self.worker(harness, crashing).runNext())
            let cut = try await crashing.get(item.id, by: admin)
            #expect(cut.state == .running && cut.processed == 20)
            // MUT: a healthy worker picks the job up after the backoff
            harness.clock.advance(by: 60)
            let healthy = ImportService(env: harness.services.env, batchSize: 10)
            #expect(try await Self.worker(harness, healthy).runNext())
            // validation: every row exactly once
            let done = try await healthy.get(item.id, by: admin)
            #expect(done.state == .done && done.created == 25 && done.processed == 25)
            var names: [String] = []
            var cursor: PageCursor?
            repeat {
                let page = try await harness.services.companies.list(.init(), page: .init(limit: 100, cursor: cursor), by: admin)
                names += page.items.map(\.shortName)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(names.count == 25 && Set(names).count == 25)
        }
    }
}

extension ImportServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func an_import_whose_job_gives_up_says_so(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let failing = ImportService(env: harness.services.env, batchSize: 1) { _ in throw PermanentJobFailure("disk gone") }
            let item = try await failing.upload(entity: "company", fileName: "a.csv", bytes: Data("Название\nАльфа\nБета\n".utf8),
                                                by: admin)
            _ = try await failing.start(item.id, by: admin)
            // MUT
            #expect(try await Self.worker(harness, failing).runNext())
            // validation: failed, with the reason, and the first row kept
            let failed = try await failing.get(item.id, by: admin)
            #expect(failed.state == .failed && failed.error?.contains("disk gone") == true && failed.processed == 1)
        }
    }
}

extension ImportServiceTests {
    /// SQLite's full-text rows of a batch are written at its end: alike rows of one batch still
    /// find each other, a refused row leaves no search entry, and the rest are found afterwards.
    @Test(arguments: TestDatabase.kinds)
    func search_entries_of_a_batch_are_written_once_and_alike_rows_still_meet(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let csv = "Название;ИНН\nМебельгард;\nМебельгрд;\nПлохая;123\nКухниДом;\n"
            let imports = harness.services.imports
            let item = try await imports.upload(entity: "company", fileName: "alike.csv", bytes: Data(csv.utf8), by: admin)
            // the preview already sees the first row when it checks the second
            #expect(try await imports.preview(item.id, by: admin).map(\.outcome) == [.created, .skipped, .rejected, .created])
            _ = try await imports.start(item.id, by: admin)
            #expect(try await Self.worker(harness, imports).runNext())
            let done = try await imports.get(item.id, by: admin)
            #expect((done.created, done.skipped, done.rejected) == (2, 1, 1))
            // MUT + validation: what was created is found, what was refused is not
            let search = harness.services.search
            #expect(try await search.search("мебельгард", by: admin).map(\.name) == ["Мебельгард"])
            #expect(try await search.search("кухнидом", by: admin).map(\.name) == ["КухниДом"])
            #expect(try await search.search("плохая", by: admin).isEmpty)
            // the batch's events are written with it: one `created` per new company, none for the refused row
            func events(_ action: EventAction) async throws -> [Event] {
                try await harness.services.events.list(EventQuery(entity: "company"), page: .init(limit: 50), by: admin)
                    .items.filter { $0.action == action }
            }
            #expect(try await events(.created).map { $0.changes.first { $0.field == "short_name" }?.new ?? "" }.sorted()
                == ["КухниДом", "Мебельгард"])
            // an import that updates its match rewrites the match's entry
            let again = try await imports.upload(entity: "company", fileName: "again.csv",
                                                 bytes: Data("Название;Регион\nМебельгард;Тверь\n".utf8), by: admin)
            _ = try await imports.configure(again.id, mapping: nil, policy: "update", by: admin)
            _ = try await imports.start(again.id, by: admin)
            #expect(try await Self.worker(harness, imports).runNext())
            #expect(try await imports.get(again.id, by: admin).updated == 1)
            #expect(try await events(.updated).count == 1)
            #expect(try await search.search("тверь", by: admin).map(\.name) == ["Мебельгард"])
            #expect(try await search.search("мебельгард", by: admin).count == 1)
        }
    }

    /// A batch is checked for duplicates at once; each row still gets the outcome it would
    /// have had alone: rows alike each other meet, namesakes with phones are told apart, and a
    /// row that fails while the batch is written is refused on its own.
    @Test(arguments: TestDatabase.kinds)
    func rows_checked_together_have_the_outcome_they_would_have_alone(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let contacts = harness.services.contacts
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"), by: admin)
            let olga = try await contacts.create(ContactInput(firstName: "Ольга", lastName: "Смирнова"), by: admin)
            let pavel = try await contacts.create(ContactInput(firstName: "Павел", lastName: "Орлов",
                                                               channels: [ContactChannel(kind: .phone, value: "+7 916 100-00-01")]),
                                                  by: admin)
            let imports = harness.services.imports
            func run(_ csv: String) async throws -> (ClientImport, [String]) {
                let item = try await imports.upload(entity: "contact", fileName: "people.csv", bytes: Data(csv.utf8), by: admin)
                _ = try await imports.configure(item.id, mapping: [0: "last_name", 1: "first_name", 2: "phones", 3: "company",
                                                                   4: "company_role"], policy: nil, by: admin)
                _ = try await imports.start(item.id, by: admin)
                #expect(try await Self.worker(harness, imports).runNext())
                let report = try await imports.report(item.id, by: admin).split(separator: "\r\n").map(String.init)
                return (try await imports.get(item.id, by: admin), Array(report.dropFirst()))
            }
            let (first, skipped) = try await run("""
                Фамилия;Имя;Телефон;Компания;Роль
                Петрова;Анна;;;
                Петрова;Анна;;;
                Григорьева;Мария;+7 916 200-00-01;;
                Григорьева;Марина;+7 916 200-00-02;;
                Орлов;Павел;8 916 100 00 01;;
                Смирнова;Ольга;+7 916 300-00-01;;
                Кузнецов;Олег;+7 916 500-00-01;Кухни Люкс;дизайнер
                Кузнецов;Олег;+7 916 500-00-01;;
                """)
            #expect((first.created, first.skipped, first.rejected) == (4, 4, 0))
            // MUT + validation: the second Анна meets the first; Орлов's phone and Ольга's name (she has no phone) are
            // matches; the second Олег shares the first one's phone; Мария and Марина are told apart by their phones
            #expect(skipped.map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
                == ["3,skipped", "6,skipped", "7,skipped", "9,skipped"])
            #expect(skipped[1].contains("#\(pavel.contact.id) ") && skipped[2].contains("#\(olga.contact.id) "))
            let created = try await contacts.list(.init(), page: .init(limit: 50), by: admin).items
            #expect(created.map(\.displayName).sorted()
                == ["Григорьева Марина", "Григорьева Мария", "Кузнецов Олег", "Орлов Павел", "Петрова Анна", "Смирнова Ольга"])
            let oleg = try #require(created.first { $0.firstName == "Олег" })
            #expect(try await contacts.get(oleg.id, by: admin).links.map(\.role) == ["дизайнер"])
            // a role too long fails while the batch is written: that row is refused, the others are written one by one
            let role = String(repeating: "р", count: 101)
            let (second, refused) = try await run("""
                Фамилия;Имя;Телефон;Компания;Роль
                Белова;Дарья;+7 916 600-00-01;Кухни Люкс;технолог
                Сидоров;Иван;+7 916 400-00-01;Кухни Люкс;\(role)
                Белова;Дарья;+7 916 600-00-01;;
                """)
            #expect((second.created, second.skipped, second.rejected) == (1, 1, 1))
            #expect(refused.count == 2 && refused[0].hasPrefix("3,rejected,") && refused[0].contains("role"))
            #expect(refused[1].hasPrefix("4,skipped,"))
            #expect(try await contacts.list(ClientQuery(companyID: company.id), page: .init(), by: admin).items.map(\.displayName)
                .sorted() == ["Белова Дарья", "Кузнецов Олег"])
        }
    }

    @Test func rows_alike_each_other_are_entangled_unless_told_apart() {
        func person(_ last: String, _ first: String, phone: String? = nil, email: String? = nil) -> DuplicateStore.Probe {
            DuplicateStore.Probe(entity: "contact", phones: phone.map { [$0] } ?? [], emails: email.map { [$0] } ?? [],
                                 matchKey: NameMatch.key("\(last) \(first)"))
        }
        let probes = [
            person("Петрова", "Анна"), person("Петрова", "Анна"),  // the same name
            person("Григорьева", "Мария", phone: "+79162000001"), person("Григорьева", "Марина", phone: "+79162000002"),
            person("Белов", "Олег", email: "o@x.example"), person("Белов", "Олег", email: "o@x.example"),  // the same e-mail
            person("Мебельгард", "Ан"), person("Мебельгрд", "Ан"),  // alike names
            person("Зайцев", "Юрий"),
        ]
        // MUT + validation
        #expect(DuplicateStore.entangled(probes) == [0, 1, 4, 5, 6, 7])
        let companies = [DuplicateStore.Probe(entity: "company", inn: "7707083893", matchKey: "альфа"),
                         DuplicateStore.Probe(entity: "company", inn: "7707083893", matchKey: "бета"),
                         DuplicateStore.Probe(entity: "company", matchKey: "гамма")]
        #expect(DuplicateStore.entangled(companies) == [0, 1])
    }
}
