import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing
import ZIPFoundation

/// Imports from XLSX and vCard files, and the files that are refused.
@Suite struct SpreadsheetImportTests {
    static func workbook(_ rows: [[String]]) throws -> Data {
        let writer = try XLSXFile.Writer(sheetName: "Клиенты")
        for row in rows { try writer.row(row) }
        return try writer.finishData()
    }

    static func code(_ error: any Error) -> String? {
        guard case RapportError.validation(let errors) = error else { return nil }
        return errors.first?.code
    }

    @Test(arguments: TestDatabase.kinds)
    func an_xlsx_workbook_imports_like_a_csv(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            _ = try await harness.services.companies.create(CompanyInput(shortName: "Старая", inn: "7707083893"), by: admin)
            let bytes = try Self.workbook([
                ["Наименование", "ИНН", "Телефон", "Регион"],
                ["Альфа", "500100732259", "+7 495 000-00-01", "Москва"],
                ["Старая копия", "7707083893", "", ""],
                ["Бета", "123", "", ""],
            ])
            let imports = harness.services.imports
            // MUT: the workbook's first sheet is read, its headers mapped
            let item = try await imports.upload(entity: "company", fileName: "clients.xlsx", bytes: bytes, by: admin)
            #expect(item.format == "xlsx" && item.totalRows == 3)
            #expect(item.mapping == [0: "short_name", 1: "inn", 2: "phones", 3: "region"])
            let preview = try await imports.preview(item.id, by: admin)
            #expect(preview.map(\.outcome) == [.created, .skipped, .rejected])
            _ = try await imports.start(item.id, by: admin)
            #expect(try await ImportServiceTests.worker(harness, imports).runNext())
            // validation: one created, the duplicate skipped, the bad INN rejected — and the report says so
            let done = try await imports.get(item.id, by: admin)
            #expect((done.state, done.created, done.skipped, done.rejected) == (.done, 1, 1, 1))
            let alpha = try #require(try await harness.services.companies.list(ClientQuery(search: "Альфа"), page: .init(),
                                                                                by: admin).items.first)
            #expect(alpha.inn == "500100732259" && alpha.region == "Москва")
            let report = try await imports.report(item.id, by: admin)
            #expect(report.contains("Старая копия") && report.contains("inn"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func vcards_import_as_contacts_and_unknown_properties_are_ignored(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let admin = try await harness.admin()
            let company = try await harness.services.companies.create(CompanyInput(shortName: "Кухни Люкс"), by: admin)
            let vcf = """
                BEGIN:VCARD\r
                VERSION:4.0\r
                N:Морозова;Анна;;;\r
                ORG:Кухни Люкс\r
                TEL;VALUE=uri;TYPE=cell:tel:+7-916-123-45-67\r
                X-SOCIALPROFILE;TYPE=vk:https://vk.com/anna\r
                CATEGORIES:клиенты,VIP\r
                END:VCARD\r
                BEGIN:VCARD\r
                VERSION:3.0\r
                FN:John Smith\r
                EMAIL:john@x.example\r
                END:VCARD\r
                """
            let imports = harness.services.imports
            let item = try await imports.upload(entity: "contact", fileName: "phone.vcf", bytes: Data(vcf.utf8), by: admin)
            #expect(item.format == "vcard" && item.totalRows == 2)
            #expect(Set(item.mapping.values) == Set(VCardReader.columns))
            _ = try await imports.start(item.id, by: admin)
            #expect(try await ImportServiceTests.worker(harness, imports).runNext())
            #expect(try await imports.get(item.id, by: admin).created == 2)
            let anna = try #require(try await harness.services.contacts.list(ClientQuery(search: "Морозова"), page: .init(),
                                                                              by: admin).items.first)
            #expect(anna.channels.first?.normalized == "+79161234567")
            let card = try await harness.services.contacts.get(anna.id, by: admin)
            #expect(card.links.map(\.companyID) == [company.id])
            #expect(try await harness.services.contacts.list(ClientQuery(search: "Smith"), page: .init(), by: admin)
                .items.first?.firstName == "John")
        }
    }

    @Test func files_that_are_not_spreadsheets_are_refused_with_the_reason() async throws {
        try await TestHarness.with(.sqlite) { harness in
            let admin = try await harness.admin()
            let imports = harness.services.imports
            func refusal(_ name: String, _ bytes: Data, entity: String = "company") async -> String? {
                do {
                    _ = try await imports.upload(entity: entity, fileName: name, bytes: bytes, by: admin)
                    return nil
                } catch {
                    return Self.code(error)
                }
            }
            // a text file called .xlsx, an old binary .xls, a ZIP that is no workbook, a damaged workbook
            #expect(await refusal("clients.xlsx", Data("Название\nАльфа\n".utf8)) == "not_xlsx")
            #expect(await refusal("clients.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 64)))
                == "xls_not_supported")
            let zip = try Archive(accessMode: .create, pathEncoding: nil)
            let readme = Data("not a workbook".utf8)
            try zip.addEntry(with: "readme.txt", type: .file, uncompressedSize: Int64(readme.count)) { _, _ in readme }
            #expect(await refusal("archive.xlsx", try #require(zip.data)) == "not_xlsx")
            let cut = try Self.workbook([["Название"], ["Альфа"]]).dropLast(40)  // its directory cut off
            #expect(await refusal("damaged.xlsx", Data(cut)) == "not_xlsx")
            // a workbook whose sheet has only a header has no rows
            #expect(await refusal("empty.xlsx", try Self.workbook([["Название"]])) == "no_rows")
            // a vCard file without an end; a vCard offered as companies
            #expect(await refusal("x.vcf", Data("BEGIN:VCARD\nFN:x\n".utf8), entity: "contact") == "unreadable")
            #expect(await refusal("x.vcf", Data("BEGIN:VCARD\nFN:x\nEND:VCARD\n".utf8)) == "vcard_holds_people")
        }
    }
}
