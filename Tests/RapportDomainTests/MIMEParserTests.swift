import Foundation
import RapportDomain
import Testing

/// Incoming mail as mail clients and old Russian systems write it: KOI8-R and Windows-1251
/// bodies, encoded-word subjects, quoted-printable, base64 attachments with RFC 2231 names,
/// nested multiparts; automatic mail recognised; what is not a message refused; and what
/// Rapport itself writes read back the same.
@Suite struct MIMEParserTests {
    static func crlf(_ text: String) -> Data { Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }

    @Test func a_koi8_r_message_with_an_encoded_subject() throws {
        var data = Self.crlf("""
            From: =?KOI8-R?B?8MXU0s/XIOnXwc4=?= <Ivan@Example.RU>
            To: sales@kitchen.example
            Subject: =?koi8-r?Q?=EB=D5=C8=CE=D1?= =?koi8-r?Q?_=CE=C1_=DA=C1=CB=C1=DA?=
            Message-ID: <abc.123@example.ru>
            Date: Mon, 30 Nov 2026 10:15:00 +0300
            Content-Type: text/plain; charset=koi8-r
            Content-Transfer-Encoding: 8bit


            """)
        data.append(contentsOf: [0xFA, 0xC4, 0xD2, 0xC1, 0xD7, 0xD3, 0xD4, 0xD7, 0xD5, 0xCA, 0xD4, 0xC5, 0x21])  // Здравствуйте!
        let mail = try MIMEParser.parse(data)
        #expect(mail.from == MailAddress("ivan@example.ru", name: "Петров Иван"))
        #expect(mail.subject == "Кухня на заказ")
        #expect(mail.messageID == "abc.123@example.ru")
        #expect(mail.text == "Здравствуйте!")
        #expect(mail.date == Date(timeIntervalSince1970: 1_796_022_900))
        #expect(!mail.isAutomatic)
    }

    @Test func windows_1251_quoted_printable_alternatives_and_an_attachment() throws {
        let mail = try MIMEParser.parse(Self.crlf("""
            From: "Olga" <olga@example.com>
            To: <sales@kitchen.example>
            Subject: Re: =?UTF-8?B?0JrQvtC80LzQtdGA0YfQtdGB0LrQvtC1INC/0YDQtdC00LvQvtC20LXQvdC40LU=?=
            In-Reply-To: <x1@kitchen.example>
            References: <x0@kitchen.example> <x1@kitchen.example>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            This is a preamble.
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=windows-1251
            Content-Transfer-Encoding: quoted-printable

            =C4=EE=E1=F0=FB=E9 =E4=E5=ED=FC! =D1=EF=E0=F1=E8=E1=EE =E7=E0 =EF=F0=E5=E4=EB=EE=E6=E5=ED=E8=E5, =
            =EF=EE=E4=F3=EC=E0=E5=EC.
            --inner
            Content-Type: text/html; charset=utf-8

            <p>Добрый день!</p>
            --inner--
            --outer
            Content-Type: application/pdf; name="=?UTF-8?B?0J/Qu9Cw0L0ucGRm?="
            Content-Disposition: attachment; filename*=UTF-8''%D0%9F%D0%BB%D0%B0%D0%BD.pdf
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            JSVFT0YK
            --outer--
            epilogue
            """))
        #expect(mail.subject == "Re: Коммерческое предложение")
        #expect(mail.inReplyTo == "x1@kitchen.example" && mail.references == ["x0@kitchen.example", "x1@kitchen.example"])
        #expect(mail.text == "Добрый день! Спасибо за предложение, подумаем.")
        #expect(mail.html == "<p>Добрый день!</p>")
        #expect(mail.attachments == [.init(fileName: "План.pdf", contentType: "application/pdf", data: Data("%PDF-1.4\n%%EOF\n".utf8))])
    }

    @Test func automatic_mail_is_recognised() throws {
        for header in ["Auto-Submitted: auto-replied", "Precedence: bulk", "List-Id: <news.example.com>", "X-Autoreply: yes"] {
            let mail = try MIMEParser.parse(Self.crlf("From: robot@example.com\n\(header)\nSubject: Out of office\n\nAway.\n"))
            #expect(mail.isAutomatic, "\(header)")
        }
        #expect(try MIMEParser.parse(Self.crlf("From: MAILER-DAEMON@example.com\nSubject: Undelivered\n\nx")).isAutomatic)
        #expect(try !MIMEParser.parse(Self.crlf("From: a@example.com\nAuto-Submitted: no\n\nx")).isAutomatic)
    }

    @Test func what_is_not_a_message_is_refused() {
        #expect(throws: MIMEParser.Failure.self) { try MIMEParser.parse(Data("just some text\nwithout headers".utf8)) }
        #expect(throws: MIMEParser.Failure.self) { try MIMEParser.parse(Self.crlf("To: a@b.c\nSubject: no sender\n\nx")) }
        #expect(throws: MIMEParser.Failure.self) { try MIMEParser.parse(Self.crlf("From: nobody\n\nx")) }
        #expect(throws: MIMEParser.Failure.self) { try MIMEParser.parse(Data()) }
    }

    @Test func html_only_mail_gets_its_text() throws {
        let mail = try MIMEParser.parse(Self.crlf("From: a@example.com\nContent-Type: text/html\n\n<p>Hello&nbsp;there</p><p>Second &amp; last</p>"))
        #expect(mail.text == "Hello there\nSecond & last")
    }

    @Test func what_rapport_writes_reads_back() throws {
        var written = MIMEMessage(from: MailAddress("sales@kitchen.example", name: "Кухни Мастер"), to: [MailAddress("ivan@example.ru")],
                                  subject: "Коммерческое предложение на кухню «Модерн» — длинная тема, которую придётся перенести",
                                  text: "Здравствуйте!\n.\nВо вложении.", html: "<p>Здравствуйте!</p>",
                                  messageID: "m1@kitchen.example", date: Date(timeIntervalSince1970: 1_796_000_000))
        written.inReplyTo = "client.1@example.ru"
        written.attachments = [.init(fileName: "КП № 1.pdf", contentType: "application/pdf", data: Data(repeating: 7, count: 3000))]
        let mail = try MIMEParser.parse(written.rendered())
        #expect(mail.subject == written.subject)
        #expect(mail.from == MailAddress("sales@kitchen.example", name: "Кухни Мастер"))
        #expect(mail.text.replacingOccurrences(of: "\r\n", with: "\n") == "Здравствуйте!\n.\nВо вложении.")
        #expect(mail.messageID == "m1@kitchen.example" && mail.inReplyTo == "client.1@example.ru")
        #expect(mail.attachments.first?.fileName == "КП № 1.pdf" && mail.attachments.first?.data == Data(repeating: 7, count: 3000))
    }
}
