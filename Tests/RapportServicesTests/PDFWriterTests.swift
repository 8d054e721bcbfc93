import Foundation
@testable import RapportServices
import RapportTestSupport
import Testing

/// The PDF writer, read back by poppler (`pdftotext`, `pdfinfo`, `pdftoppm`): Russian,
/// Azerbaijani and English in one document through the embedded font, a table of 500 lines
/// over several pages with its header on each, a transparent PNG and a JPEG, a word too long
/// for its cell; and the pictures it refuses.
@Suite struct PDFWriterTests {
    static let fonts: PDFLayout.Fonts = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/RapportHTTP/Resources/Fonts")
        return try! DocumentFonts(folder: folder).fonts()
    }()

    static func stamp(size: Int = 60) -> Data { DocumentTestTools.stamp(size: size) }
    static func poppler(_ tool: String, _ arguments: [String]) throws -> String { try DocumentTestTools.poppler(tool, arguments) }
    static func write(_ pdf: Data) throws -> URL { try DocumentTestTools.write(pdf) }

    @Test func three_languages_a_long_table_and_pictures_read_back() throws {
        let rows = (1...500).map { "<tr><td>\($0)</td><td>Фасад МДФ, эмаль RAL 9003 — позиция \($0)</td><td align=\"right\">1 шт</td><td align=\"right\">12 500,00 ₽</td></tr>" }
        let html = """
            <p align="right"><img src="company:logo" width="80"></p>
            <h1>Счёт на оплату № 17 от 30.11.2026</h1>
            <p>Поставщик: <b>ООО «Кухни Мастер»</b>, ИНН 7701234567</p>
            <p>Müştəri: Əliyev Rəşad Şükür oğlu — Bakı, Nizami küçəsi 5 (ğ, ı, ö, ü, ç)</p>
            <p>Customer: Kitchen &amp; Co. Ltd<br>Second line after a break</p>
            <table border="1">
            <tr><th>№</th><th>Наименование</th><th>Кол-во</th><th>Сумма</th></tr>
            \(rows.joined(separator: "\n"))
            <tr><td colspan="3" align="right"><b>Итого:</b></td><td align="right"><b>6 250 000,00 ₽</b></td></tr>
            </table>
            <p>Всего к оплате: Шесть миллионов двести пятьдесят тысяч рублей 00 копеек</p>
            <table><tr><td>Слово-без-пробелов-которое-никак-не-помещается-в-узкую-ячейку-таблицы-и-должно-быть-разрезано-на-части-чтобы-влезть</td><td width="20%">Подпись<br><img src="company:signature" height="30"></td></tr></table>
            <p><img src="company:signature" height="40"> <img src="company:stamp" height="90"></p>
            <ul><li>first</li><li>second</li></ul>
            <hr>
            """
        let jpeg = try Self.jpeg()
        let pdf = PDFLayout.render(html: html, title: "Счёт № 17", fonts: Self.fonts,
                                   pictures: ["company:logo": try PDFImage(jpeg), "company:stamp": try PDFImage(Self.stamp()),
                                              "company:signature": try PDFImage(Self.stamp(size: 30))])
        let url = try Self.write(pdf)
        defer { try? FileManager.default.removeItem(at: url) }
        // To look at it: RAPPORT_TEST_PDF_DIR=/some/folder keeps a copy.
        if let folder = ProcessInfo.processInfo.environment["RAPPORT_TEST_PDF_DIR"] {
            try pdf.write(to: URL(fileURLWithPath: folder).appendingPathComponent("three-languages.pdf"))
        }
        let text = try Self.poppler("pdftotext", ["-layout", url.path, "-"])
        #expect(text.contains("Счёт на оплату № 17 от 30.11.2026"))
        #expect(text.contains("Müştəri: Əliyev Rəşad Şükür oğlu"))
        #expect(text.contains("Customer: Kitchen & Co. Ltd"))
        #expect(text.contains("Фасад МДФ, эмаль RAL 9003 — позиция 500"))
        #expect(text.contains("6 250 000,00 ₽"))
        #expect(text.contains("Шесть миллионов двести пятьдесят тысяч рублей"))
        // The header row on every page the table runs on.
        let pages = text.components(separatedBy: "\u{0C}").filter { $0.contains("позиция") }
        #expect(pages.count > 5)
        #expect(pages.allSatisfy { $0.contains("Наименование") })
        let info = try Self.poppler("pdfinfo", [url.path])
        #expect(info.contains("Title:") && info.contains("Счёт № 17"))
        #expect(!info.lowercased().contains("error"))
        // Rendered by poppler without complaint.
        let rendered = try Self.poppler("pdftoppm", ["-r", "40", "-f", "1", "-l", "1", "-png", url.path, url.path])
        #expect(rendered.isEmpty, "\(rendered)")
        #expect(FileManager.default.fileExists(atPath: url.path + "-01.png") || FileManager.default.fileExists(atPath: url.path + "-1.png"))
        // The font is a subset: a page of text is not a whole font file.
        let onePage = PDFLayout.render(html: "<p>Коротко.</p>", title: "", fonts: Self.fonts)
        #expect(onePage.count < 60_000)
    }

    @Test func a_picture_in_a_table_cell_is_drawn_under_its_text() {
        let html = "<table border=\"1\"><tr><td>Руководитель</td><td>Подпись<br><img src=\"company:stamp\" height=\"40\"></td></tr></table>"
        let pdf = PDFLayout.render(html: html, title: "", fonts: Self.fonts, pictures: ["company:stamp": try! PDFImage(Self.stamp())])
        let text = String(decoding: pdf, as: UTF8.self)
        #expect(text.contains("/XObject << /Im0") && text.contains("/Subtype /Image"))
        let blocks = DocumentMarkup.blocks(html)
        guard case .table(let rows, _) = blocks.first else { Issue.record("no table"); return }
        #expect(rows[0].cells[1].pictures.map(\.source) == ["company:stamp"])
    }

    @Test func pictures_that_cannot_go_in_are_refused_with_the_reason() {
        #expect(throws: PDFImage.Failure.self) { try PDFImage(Data("GIF89a....".utf8)) }
        var sixteenBit = Self.stamp()
        sixteenBit[24] = 16
        let error = #expect(throws: PDFImage.Failure.self) { try PDFImage(sixteenBit) }
        #expect(error?.description == "only 8-bit PNG pictures go into documents (this one is 16-bit)")
    }

    @Test func coordinates_are_written_with_at_most_two_decimals() {
        #expect([12, 12.5, 12.345, -0.05, 0.004, 595.28, -3].map(PDFFile.number) == ["12", "12.5", "12.35", "-0.05", "0", "595.28", "-3"])
    }

    @Test func markup_reads_as_blocks() {
        let blocks = DocumentMarkup.blocks("<h2 style='text-align: center'>T&amp;C</h2><p>a  <b>b</b>\n c</p><table><tr><th>x</th></tr><tr><td colspan=2>y</td></tr></table>")
        #expect(blocks.count == 3)
        #expect(blocks[0] == .heading(level: 2, runs: [.init(text: "T&C", bold: true)], align: .center))
        #expect(blocks[1] == .paragraph(runs: [.init(text: "a ", bold: false), .init(text: "b", bold: true), .init(text: " c", bold: false)],
                                        align: .left, pictures: [], small: false))
        guard case .table(let rows, _) = blocks[2] else { Issue.record("no table"); return }
        #expect(rows[0].isHeader && rows[1].cells[0].span == 2)
    }

    /// A real JPEG: a small page of ours rendered by poppler.
    static func jpeg() throws -> Data {
        let url = try write(PDFLayout.render(html: "<h1>Logo</h1>", title: "", fonts: fonts))
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try poppler("pdftoppm", ["-r", "12", "-jpeg", "-singlefile", url.path, url.path])
        let jpeg = URL(fileURLWithPath: url.path + ".jpg")
        defer { try? FileManager.default.removeItem(at: jpeg) }
        return try Data(contentsOf: jpeg)
    }
}
