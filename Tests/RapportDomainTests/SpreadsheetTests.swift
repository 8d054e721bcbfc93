import Foundation
@testable import RapportDomain
import Testing

@Suite struct SpreadsheetTests {
    func tokens(_ xml: String) -> [XMLScanner.Token] {
        var scanner = XMLScanner(Array(xml.utf8))
        var out: [XMLScanner.Token] = []
        while let token = scanner.next() { out.append(token) }
        return out
    }

    @Test func the_scanner_reads_office_xml() {
        let xml = """
            \u{FEFF}<?xml version="1.0"?><!-- note --><x:row r='1' x:s="2"><c/>A &amp; B &lt;&#1071;&#x44F;&gt; &bogus;\
            <![CDATA[<raw>]]></x:row>
            """
        #expect(tokens(xml) == [
            .start(name: "row", attributes: ["r": "1", "s": "2"], selfClosing: false),
            .start(name: "c", attributes: [:], selfClosing: true),
            .text("A & B <Яя> &bogus;"), .text("<raw>"), .end(name: "row"),
        ])
        // malformed input ends the scan instead of failing
        #expect(tokens("<a b=c>text").isEmpty)
        #expect(tokens("<a b=\"unclosed").isEmpty)
        #expect(tokens("text<a").count == 1)
        #expect(XMLScanner.escape("a<b & \"c\"\u{1}\t") == "a&lt;b &amp; &quot;c&quot;\t")
    }

    @Test func a_sheet_is_read_with_shared_strings_dates_and_gaps() {
        let strings = XLSXSheetReader.sharedStrings(Array("""
            <sst><si><t>Название</t></si><si><r><t>ООО </t></r><r><rPr><b/></rPr><t>«Кухни»</t></r>\
            <rPh><t>ignored</t></rPh></si><si/></sst>
            """.utf8))
        #expect(strings == ["Название", "ООО «Кухни»", ""])
        let styles = XLSXSheetReader.dateStyles(Array("""
            <styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>\
            <numFmt numFmtId="165" formatCode="&quot;day&quot; 0.00"/><numFmt numFmtId="166" formatCode="[$-419]d mmm yyyy h:mm"/>\
            </numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>\
            <cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/><xf numFmtId="166"/>\
            <xf numFmtId="20"/></cellXfs></styleSheet>
            """.utf8))
        #expect(styles == [1: .date, 3: .date, 4: .dateTime, 5: .time])
        let sheet = """
            <worksheet><sheetData>\
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>ИНН</t></is></c></row>\
            <row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" s="1"><v>45352</v></c><c r="C2"><v>7.707083893E9</v></c>\
            <c r="D2" t="b"><v>1</v></c><c r="E2" s="4"><v>45352.5</v></c><c r="F2" t="str"><v>=formula text</v></c></row>\
            <row r="3"><c r="A3" t="s"><v>2</v></c></row>\
            <row r="4"><c r="B4"><v>0.25</v></c><c r="AA4" t="s"><v>99</v></c></row>\
            </sheetData></worksheet>
            """
        let rows = XLSXSheetReader.rows(Array(sheet.utf8), sharedStrings: strings, dateStyles: styles)
        #expect(rows.count == 3)  // the empty row 3 is left out
        #expect(rows[0] == ["Название", "", "ИНН"])
        #expect(rows[1] == ["ООО «Кухни»", "2024-03-01", "7707083893", "true", "2024-03-01T12:00:00", "=formula text"])
        #expect(rows[2].count == 27 && rows[2][1] == "0.25" && rows[2][26] == "")
        #expect(XLSXSheetReader.date(serial: 1462, style: .date, date1904: true) == "1908-01-02")
        #expect(XLSXSheetReader.date(serial: 0.75, style: .time, date1904: false) == "18:00:00")
        #expect(XLSXSheetReader.columnIndex("XFD1") == 16_383 && XLSXSheetReader.columnIndex("1A") == nil)
    }

    @Test func the_first_sheet_is_found_through_the_relationships() {
        let workbook = Array("""
            <workbook xmlns:r="r"><workbookPr date1904="1"/><sheets><sheet name="Клиенты" sheetId="3" r:id="rId7"/>\
            <sheet name="Other" sheetId="1" r:id="rId1"/></sheets></workbook>
            """.utf8)
        let rels = Array("""
            <Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId7" Target="/xl/worksheets/sheet3.xml"/></Relationships>
            """.utf8)
        #expect(XLSXSheetReader.firstSheetPath(workbook: workbook, relationships: rels) == "xl/worksheets/sheet3.xml")
        #expect(XLSXSheetReader.uses1904Dates(workbook: workbook))
        #expect(XLSXSheetReader.firstSheetPath(workbook: Array("<workbook/>".utf8), relationships: rels) == nil)
    }

    @Test func what_the_writer_writes_the_reader_reads_back() {
        var writer = XLSXSheetWriter()
        let rows = [["id", "short_name", "note"], ["1", "ООО «Кухни» & Co <1>", "=SUM(A1)"], ["2", "", "two\nlines\u{7}"]]
        rows.forEach { writer.row($0) }
        let xml = XLSXSheetWriter.sheetStart + String(decoding: writer.rows, as: UTF8.self) + XLSXSheetWriter.sheetEnd
        let back = XLSXSheetReader.rows(Array(xml.utf8), sharedStrings: [], dateStyles: [:])
        #expect(back == [rows[0], rows[1], ["2", "", "two\nlines"]])
        #expect(xml.contains("<c r=\"A1\" t=\"inlineStr\" s=\"1\">"))  // the header is bold
        #expect(XLSXSheetWriter.columnName(0) == "A" && XLSXSheetWriter.columnName(25) == "Z"
            && XLSXSheetWriter.columnName(26) == "AA" && XLSXSheetWriter.columnName(16_383) == "XFD")
        #expect(XLSXSheetWriter.fixedParts(sheetName: "a/b:c").contains { $0.xml.contains("name=\"abc\"") })
    }

    @Test func vcards_of_every_version_are_read() throws {
        let text = """
            BEGIN:VCARD\r
            VERSION:3.0\r
            N:Морозова;Анна;Игоревна;;\r
            FN:Анна Морозова\r
            ORG:Кухни\\, Люкс;Отдел продаж\r
            TITLE:Дизайнер\r
            item1.TEL;TYPE=CELL,VOICE:+7 916 123-45-67\r
            EMAIL;TYPE=INTERNET:anna@x.example\r
            X-TELEGRAM:@anna\r
            BDAY:1990-03-08\r
            TZ;VALUE=text:Europe/Moscow\r
            X-UNKNOWN;FOO=bar:whatever\r
            PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r
             BBBB\r
            END:VCARD\r
            BEGIN:VCARD
            VERSION:4.0
            FN:John Smith
            N:Smith;John;;;
            TEL;VALUE=uri;TYPE="cell,voice":tel:+1-555-555-0100;ext=1
            EMAIL;TYPE=work:john@
             example.com
            BDAY:--0415
            TZ:+03:00
            END:VCARD
            BEGIN:VCARD
            VERSION:2.1
            N;CHARSET=WINDOWS-1251;ENCODING=QUOTED-PRINTABLE:=C8=E2=E0=ED=EE=E2;=C8=E2=E0=ED
            TEL;CELL:89161112233
            BDAY:19751231
            END:VCARD
            BEGIN:VCARD
            FN:Только Имя
            END:VCARD
            """
        let cards = try VCardReader.cards(Data(text.utf8))
        #expect(cards.count == 4)
        #expect(cards[0].lastName == "Морозова" && cards[0].firstName == "Анна" && cards[0].middleName == "Игоревна")
        #expect(cards[0].organization == "Кухни, Люкс" && cards[0].title == "Дизайнер")
        #expect(cards[0].phones == ["+7 916 123-45-67"] && cards[0].emails == ["anna@x.example"])
        #expect(cards[0].messengers == ["@anna"] && cards[0].birthday == "1990-03-08" && cards[0].timeZone == "Europe/Moscow")
        #expect(cards[1].phones == ["+1-555-555-0100"] && cards[1].emails == ["john@example.com"])
        #expect(cards[1].birthday == "" && cards[1].timeZone == "")
        #expect(cards[2].lastName == "Иванов" && cards[2].firstName == "Иван" && cards[2].birthday == "1975-12-31")
        let table = try VCardReader.table(Data(text.utf8))
        #expect(table[0] == VCardReader.columns && table.count == 5)
        #expect(table[4][0] == "Имя" && table[4][1] == "Только")  // FN in display order when N is missing
        #expect(table[1][0] == "Морозова" && table[1][4] == "Кухни, Люкс")
        #expect(throws: VCardReader.Failure.self) { try VCardReader.cards(Data("BEGIN:VCARD\nFN:x\n".utf8)) }
        #expect(throws: VCardReader.Failure.self) { try VCardReader.cards(Data("name,phone\n".utf8)) }
        #expect(VCardReader.looksLikeVCard(Data("\u{FEFF}\r\nbegin:vcard\r\n".utf8)))
    }

    @Test func vcard_4_is_written_so_it_reads_back() throws {
        let contact = Contact(
            id: 9, firstName: "Пётр", lastName: "Сидоров",
            channels: [ContactChannel(kind: .phone, type: "work", value: "8 495 111-22-33", normalized: "+74951112233"),
                       ContactChannel(kind: .email, value: "p@x.example", normalized: "p@x.example")],
            birthday: CalendarDate("1980-01-02"), timeZone: "Asia/Baku", createdAt: Date(), updatedAt: Date())
        let card = VCard.make(contact, companies: ["Альфа"], version: .v4)
        #expect(card.contains("VERSION:4.0\r\n") && card.contains("TEL;VALUE=uri;TYPE=WORK:tel:+74951112233\r\n"))
        #expect(card.contains("BDAY:19800102\r\n") && card.contains("TZ;VALUE=text:Asia/Baku\r\n"))
        let back = try #require(try VCardReader.cards(Data(card.utf8)).first)
        #expect(back.lastName == "Сидоров" && back.firstName == "Пётр" && back.organization == "Альфа")
        #expect(back.phones == ["+74951112233"] && back.emails == ["p@x.example"])
        #expect(back.birthday == "1980-01-02" && back.timeZone == "Asia/Baku")
    }
}
