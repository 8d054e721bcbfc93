import Foundation
@testable import RapportDomain
import Testing

@Suite struct ExportFormatTests {
    @Test func csv_quotes_what_needs_quoting_and_defuses_formulas() {
        #expect(CSVWriter.escape("plain") == "plain")
        #expect(CSVWriter.escape("a,b") == "\"a,b\"")
        #expect(CSVWriter.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVWriter.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSVWriter.escape("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(CSVWriter.escape("+7 916 123-45-67") == "'+7 916 123-45-67")
        #expect(CSVWriter.escape("-42") == "-42")
        var csv = CSVWriter()
        csv.row(["id", "name"])
        csv.row(["1", "Кухни, Люкс"])
        #expect(csv.text == "\u{FEFF}id,name\r\n1,\"Кухни, Люкс\"\r\n")
    }

    @Test func vcards_escape_and_fold() throws {
        let contact = Contact(
            id: 7, firstName: "Анна", middleName: "Игоревна", lastName: "Морозова", position: "Дизайнер; ведущий",
            channels: [ContactChannel(kind: .phone, type: "mobile", value: "8 916 123 45 67", normalized: "+79161234567"),
                       ContactChannel(kind: .email, value: "Anna@X.example", normalized: "anna@x.example")],
            birthday: CalendarDate("1990-03-08"), createdAt: Date(), updatedAt: Date())
        let card = VCard.make(contact, companies: ["Кухни, Люкс"])
        #expect(card.hasPrefix("BEGIN:VCARD\r\nVERSION:3.0\r\n"))
        #expect(card.contains("N:Морозова;Анна;Игоревна;;\r\n"))
        #expect(card.contains("ORG:Кухни\\, Люкс\r\n"))
        #expect(card.contains("TITLE:Дизайнер\\; ведущий\r\n"))
        #expect(card.contains("TEL;TYPE=MOBILE:+79161234567\r\n"))
        #expect(card.contains("EMAIL;TYPE=INTERNET:anna@x.example\r\n"))
        #expect(card.contains("BDAY:1990-03-08\r\n"))
        #expect(card.hasSuffix("END:VCARD\r\n"))
        let long = ContentLine.fold("NOTE:" + String(repeating: "я", count: 60))
        #expect(long.components(separatedBy: "\r\n ").allSatisfy { $0.utf8.count <= 75 })
        #expect(long.replacingOccurrences(of: "\r\n ", with: "") == "NOTE:" + String(repeating: "я", count: 60))
    }
}
