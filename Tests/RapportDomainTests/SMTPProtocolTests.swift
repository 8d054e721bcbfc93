import Foundation
import RapportDomain
import Testing

/// SMTP's pieces: replies of one and of many lines, a broken one named; what an EHLO reply
/// says the server can do (old `AUTH=` too); AUTH PLAIN's argument; DATA's dot-stuffing and
/// end; envelope addresses that could smuggle a command refused.
@Suite struct SMTPProtocolTests {
    @Test func replies_are_read_line_by_line() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed("250-mail.example Hello") == nil)
        #expect(try parser.feed("250-PIPELINING") == nil)
        #expect(try parser.feed("250-AUTH PLAIN LOGIN") == nil)
        #expect(try parser.feed("250-AUTH=LOGIN CRAM-MD5") == nil)
        #expect(try parser.feed("250-SIZE 10240000") == nil)
        let ehlo = try #require(try parser.feed("250 STARTTLS"))
        #expect(ehlo.code == 250 && ehlo.lines.count == 6 && ehlo.isPositive)
        let capabilities = SMTPCapabilities(ehlo: ehlo)
        #expect(capabilities.startTLS && capabilities.pipelining && !capabilities.eightBitMIME)
        #expect(capabilities.authMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5"] && capabilities.maxSize == 10_240_000)
        let refused = try #require(try parser.feed("535 5.7.8 Authentication credentials invalid"))
        #expect(!refused.isPositive && !refused.isTransient && refused.text == "535 5.7.8 Authentication credentials invalid")
        #expect(try parser.feed("421")?.isTransient == true)
        #expect(throws: SMTPReplyParser.Failure.malformed("hello")) { try parser.feed("hello") }
        #expect(try parser.feed("250-first") == nil)
        #expect(throws: SMTPReplyParser.Failure.malformed("354 second")) { try parser.feed("354 second") }
    }

    @Test func commands_and_data_are_written_as_the_rfc_wants() {
        #expect(SMTPCommand.authPlain(user: "crm@kuhni.example", password: "пароль") == "AUTH PLAIN "
            + Data([0] + Array("crm@kuhni.example".utf8) + [0] + Array("пароль".utf8)).base64EncodedString() + "\r\n")
        #expect(SMTPCommand.mailFrom("a@x.example", size: 1200) == "MAIL FROM:<a@x.example> SIZE=1200\r\n")
        let data = SMTPCommand.data(Data("Subject: x\r\n\r\n.hidden line\nend.\n..two".utf8))
        #expect(String(decoding: data, as: UTF8.self) == "Subject: x\r\n\r\n..hidden line\r\nend.\r\n...two\r\n.\r\n")
        #expect(SMTPCommand.isSafeAddress("irina@example.ru"))
        #expect(!SMTPCommand.isSafeAddress("a@x.example>\r\nRCPT TO:<b@y.example"))
        #expect(!SMTPCommand.isSafeAddress("no-at-sign"))
    }
}
