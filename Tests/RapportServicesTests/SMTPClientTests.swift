import Foundation
import RapportDomain
import RapportServices
import RapportTestSupport
import Testing

/// The SMTP client against a real SMTP server (aiosmtpd) started by each test: plain, with
/// STARTTLS and with TLS from the first byte, signing in with PLAIN or LOGIN, pipelined or not;
/// a wrong password, a certificate that cannot be verified, a server that drops the connection
/// mid-message, one that says "later", a refused address.
@Suite(.serialized) struct SMTPClientTests {
    static func message(_ subject: String, to: String = "client@example.ru") -> MIMEMessage {
        var message = MIMEMessage(from: MailAddress("sales@kitchen.example", name: "Кухни Мастер"), to: [MailAddress(to, name: "Иван Петров")],
                                  subject: subject, text: "Здравствуйте!\n.\nСтрока с точкой.", html: "<p>Здравствуйте!</p>",
                                  messageID: MIMEMessage.newMessageID(domain: "kitchen.example"), date: Date(timeIntervalSince1970: 1_796_000_000))
        message.attachments = [.init(fileName: "КП №1.pdf", contentType: "application/pdf", data: Data("%PDF-1.4 …".utf8))]
        return message
    }

    static func settings(_ port: Int, _ security: SMTPSettings.Security = .none, user: String? = nil, verify: Bool = false) -> SMTPSettings {
        SMTPSettings(host: "127.0.0.1", port: port, security: security, username: user, fromAddress: "sales@kitchen.example",
                     verifyCertificate: verify)
    }

    @Test(arguments: [true, false])
    func a_message_goes_whole_with_and_without_pipelining(pipelining: Bool) async throws {
        try await LocalSMTPServer.with(pipelining: pipelining) { server in
            let client = SMTPClient(settings: Self.settings(server.port), password: nil)
            let first = Self.message("Коммерческое предложение"), second = Self.message("Second", to: "other@example.com")
            try await client.session { session in
                #expect(session.capabilities.pipelining == pipelining)
                try await session.send(from: "sales@kitchen.example", to: "client@example.ru", data: first.rendered())
                try await session.send(from: "sales@kitchen.example", to: "other@example.com", data: second.rendered())
            }
            let received = try await server.waitFor(2)
            #expect(received.map(\.to) == [["client@example.ru"], ["other@example.com"]])
            #expect(received.map(\.messageID) == ["<\(first.messageID)>", "<\(second.messageID)>"])
            // Dot-stuffing undone by the server: the body's lone dot line is there as written.
            let data = try #require(received.first?.data)
            #expect(data.contains("Subject: =?UTF-8?B?"))
            #expect(data.contains("filename*=UTF-8''%D0%9A%D0%9F"))
            let text = Data(base64Encoded: Self.firstBase64Part(data)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(text.replacingOccurrences(of: "\r\n", with: "\n").contains("Здравствуйте!\n.\nСтрока с точкой."), "\(text)")
        }
    }

    @Test(arguments: ["PLAIN", "LOGIN"])
    func starttls_then_sign_in(mechanism: String) async throws {
        try await LocalSMTPServer.with(mode: .starttls, user: "sales", password: "секрет-1", onlyAuth: mechanism) { server in
            let client = SMTPClient(settings: Self.settings(server.port, .starttls, user: "sales"), password: "секрет-1")
            try await client.session { session in
                #expect(session.capabilities.authMechanisms == [mechanism])
                try await session.send(from: "sales@kitchen.example", to: "client@example.ru", data: Self.message("TLS").rendered())
            }
            let received = try #require(try await server.waitFor(1).first)
            #expect(received.tls && received.user == "sales")
        }
    }

    @Test func tls_from_the_first_byte() async throws {
        try await LocalSMTPServer.with(mode: .tls, user: "sales", password: "pw") { server in
            let client = SMTPClient(settings: Self.settings(server.port, .tls, user: "sales"), password: "pw")
            try await client.session { session in
                try await session.send(from: "sales@kitchen.example", to: "client@example.ru", data: Self.message("TLS").rendered())
            }
            #expect(try await server.waitFor(1).first?.tls == true)
        }
    }

    @Test func a_certificate_that_cannot_be_verified_is_refused() async throws {
        try await LocalSMTPServer.with(mode: .starttls) { server in
            let client = SMTPClient(settings: Self.settings(server.port, .starttls, verify: true), password: nil)
            let error = await #expect(throws: SMTPError.self) {
                try await client.session { _ in }
            }
            guard case .tls = error else { Issue.record("expected a TLS failure, got \(String(describing: error))"); return }
            #expect(error?.isPermanent == false)
        }
    }

    @Test func starttls_is_required_where_the_settings_ask_for_it() async throws {
        try await LocalSMTPServer.with(mode: .plain) { server in
            let client = SMTPClient(settings: Self.settings(server.port, .starttls), password: nil)
            await #expect(throws: SMTPError.notOffered("STARTTLS")) { try await client.session { _ in } }
        }
    }

    @Test func a_wrong_password_is_named() async throws {
        try await LocalSMTPServer.with(mode: .starttls, user: "sales", password: "right") { server in
            let client = SMTPClient(settings: Self.settings(server.port, .starttls, user: "sales"), password: "wrong")
            let error = await #expect(throws: SMTPError.self) { try await client.session { _ in } }
            guard case .authentication(let reply) = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(reply.code == 535)
            #expect(error?.description.hasPrefix("the SMTP server refused the user name or password: 535") == true)
            let taken = try server.received()
            #expect(taken.isEmpty)
        }
    }

    @Test func a_server_that_drops_the_connection_mid_message() async throws {
        try await LocalSMTPServer.with(dropFirst: 1) { server in
            let client = SMTPClient(settings: Self.settings(server.port), password: nil)
            let error = await #expect(throws: SMTPError.self) {
                try await client.session { session in
                    try await session.send(from: "sales@kitchen.example", to: "client@example.ru", data: Self.message("Dropped").rendered())
                }
            }
            #expect(error == .closed(step: "the message"))
            #expect(error?.isPermanent == false)
            // The next connection goes through.
            try await client.session { session in
                try await session.send(from: "sales@kitchen.example", to: "client@example.ru", data: Self.message("Again").rendered())
            }
            #expect(try await server.waitFor(1).count == 1)
        }
    }

    @Test func later_and_refused_are_told_apart_and_the_session_goes_on() async throws {
        try await LocalSMTPServer.with(failFirst: 1) { server in
            let client = SMTPClient(settings: Self.settings(server.port), password: nil)
            try await client.session { session in
                let later = await #expect(throws: SMTPError.self) {
                    try await session.send(from: "sales@kitchen.example", to: "client@example.ru", data: Self.message("Busy").rendered())
                }
                #expect(later?.isPermanent == false)
                let bad = await #expect(throws: SMTPError.self) {
                    try await session.send(from: "sales@kitchen.example", to: "a>b@example.ru", data: Self.message("Bad").rendered())
                }
                #expect(bad == .invalidAddress("a>b@example.ru") && bad?.isPermanent == true)
                try await session.send(from: "sales@kitchen.example", to: "client@example.ru", data: Self.message("Now").rendered())
            }
            #expect(try await server.waitFor(1).count == 1)
        }
    }

    @Test func nobody_listening() async throws {
        let client = SMTPClient(settings: Self.settings(1), password: nil)
        let error = await #expect(throws: SMTPError.self) { try await client.session { _ in } }
        guard case .connect = error else { Issue.record("got \(String(describing: error))"); return }
    }

    /// The first base64 body part of a rendered message (its text alternative).
    static func firstBase64Part(_ data: String) -> String {
        let parts = data.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n")
        guard parts.count > 1 else { return "" }
        return parts[1].components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "\r\n", with: "")
    }
}
