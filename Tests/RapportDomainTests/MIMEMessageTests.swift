import Foundation
import RapportDomain
import Testing

/// An e-mail on the wire: Cyrillic names and subject as encoded words, text and HTML as
/// alternatives in UTF-8, a PDF attached with its Russian name, the thread's headers, CRLF
/// lines no longer than the standards allow.
@Suite struct MIMEMessageTests {
    @Test func a_proposal_with_a_pdf_is_written_as_mime() throws {
        var message = MIMEMessage(from: MailAddress("sales@kuhni.example", name: "Кухни Мастер"),
                                  to: [MailAddress("irina@example.ru", name: "Ирина Котова")],
                                  subject: "Коммерческое предложение «Кухни Мастер» для Ирины Котовой — угловая кухня, дуб, матовые фасады",
                                  text: "Здравствуйте, Ирина!\nКП во вложении.", html: "<p>Здравствуйте, Ирина!</p>",
                                  messageID: "abc123@kuhni.example", date: Date(timeIntervalSince1970: 1_796_040_900))
        message.inReplyTo = "question-1@example.ru"
        message.references = ["question-1@example.ru"]
        message.extraHeaders = [.init("Auto-Submitted", "auto-generated")]
        let pdf = Data("%PDF-1.4 …".utf8)
        message.attachments = [.init(fileName: "КП № 12.pdf", contentType: "application/pdf", data: pdf)]
        let raw = String(decoding: message.rendered(), as: UTF8.self)
        #expect(raw.hasSuffix("\r\n") && !raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let lines = raw.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 })
        #expect(lines.filter { $0.hasPrefix("Subject:") || $0.hasPrefix(" =?UTF-8") }.allSatisfy { $0.count <= 78 })
        #expect(raw.contains("From: =?UTF-8?B?\(Data("Кухни Мастер".utf8).base64EncodedString())?= <sales@kuhni.example>"))
        #expect(raw.contains("Date: Mon, 30 Nov 2026 12:15:00 +0000"))
        #expect(raw.contains("Message-ID: <abc123@kuhni.example>\r\nIn-Reply-To: <question-1@example.ru>\r\nReferences: <question-1@example.ru>"))
        #expect(raw.contains("Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;"))
        #expect(raw.contains("filename*=UTF-8''%D0%9A%D0%9F%20%E2%84%96%2012.pdf"))
        // The subject decodes back whole.
        var subjectLines = [lines.first { $0.hasPrefix("Subject:") }!.dropFirst(9).description]
        var index = lines.firstIndex { $0.hasPrefix("Subject:") }! + 1
        while lines[index].hasPrefix(" ") { subjectLines.append(String(lines[index].dropFirst())); index += 1 }
        let decoded = subjectLines.joined(separator: " ").split(separator: " ").map { word -> String in
            let inner = word.dropFirst(10).dropLast(2)
            return String(decoding: Data(base64Encoded: String(inner))!, as: UTF8.self)
        }.joined()
        #expect(decoded == message.subject)
        // The parts: the text in UTF-8 with CRLF, the HTML, the PDF's bytes.
        let blocks = raw.components(separatedBy: "\r\n\r\n")
        let bodies = zip(blocks, blocks.dropFirst()).filter { $0.0.contains("Content-Transfer-Encoding: base64") }.map {
            Data(base64Encoded: $0.1.components(separatedBy: "\r\n--").first!.replacingOccurrences(of: "\r\n", with: ""))!
        }
        #expect(bodies.count == 3)
        #expect(String(decoding: bodies[0], as: UTF8.self) == "Здравствуйте, Ирина!\r\nКП во вложении.")
        #expect(String(decoding: bodies[1], as: UTF8.self) == "<p>Здравствуйте, Ирина!</p>")
        #expect(bodies[2] == pdf)
    }

    @Test func a_plain_ascii_message_needs_no_encoding() {
        let message = MIMEMessage(from: MailAddress("a@x.example"), to: [MailAddress("b@y.example", name: "Bob Stone")], subject: "Hello",
                                  text: "Hi", messageID: "1@x.example", date: Date(timeIntervalSince1970: 0))
        let raw = String(decoding: message.rendered(), as: UTF8.self)
        #expect(raw.contains("To: \"Bob Stone\" <b@y.example>\r\nSubject: Hello\r\nDate: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(raw.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSGk=\r\n"))
    }
}
