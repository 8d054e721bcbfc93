import Foundation

/// One reply of an SMTP server (RFC 5321 4.2): a three-digit code and its lines of text
/// (`250-PIPELINING` … `250 SMTPUTF8` is one reply of several lines).
public struct SMTPReply: Equatable, Sendable {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx and 3xx: the server goes on.
    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later (the server is busy, a greylist, a mailbox full for now).
    public var isTransient: Bool { (400..<500).contains(code) }

    /// The reply as one line for a reason: `535 5.7.8 Authentication credentials invalid`.
    public var text: String { "\(code) " + lines.joined(separator: " ") }
}

/// Reads replies line by line: a line whose fourth character is `-` goes on, a space ends it.
public struct SMTPReplyParser: Sendable {
    var code: Int?
    var lines: [String] = []

    public init() {}

    public enum Failure: Error, Equatable {
        /// Not `ddd`, `ddd-…` or `ddd …`, or a continued reply that changed its code.
        case malformed(String)
    }

    /// The reply `line` (without its CRLF) completes, or nil while it goes on.
    public mutating func feed(_ line: String) throws(Failure) -> SMTPReply? {
        let characters = Array(line.utf8)
        guard characters.count >= 3, characters[0...2].allSatisfy({ (0x30...0x39).contains($0) }),
              let number = Int(String(decoding: characters[0...2], as: UTF8.self)),
              characters.count == 3 || characters[3] == UInt8(ascii: " ") || characters[3] == UInt8(ascii: "-")
        else { throw .malformed(line) }
        if let code, code != number { throw .malformed(line) }
        code = number
        lines.append(characters.count > 4 ? String(decoding: characters[4...], as: UTF8.self) : "")
        guard characters.count == 3 || characters[3] == UInt8(ascii: " ") else { return nil }
        let reply = SMTPReply(code: number, lines: lines)
        code = nil
        lines = []
        return reply
    }
}

/// What a server said it can do in its EHLO reply.
public struct SMTPCapabilities: Equatable, Sendable {
    public var startTLS = false
    public var pipelining = false
    public var eightBitMIME = false
    public var smtpUTF8 = false
    /// `PLAIN`, `LOGIN`, … in capitals.
    public var authMechanisms: Set<String> = []
    /// The largest message it takes, when it said.
    public var maxSize: Int?

    public init() {}

    /// Reads an EHLO reply (its first line is the greeting, not a capability).
    public init(ehlo reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.uppercased().split(separator: " ").map(String.init)
            guard let keyword = words.first else { continue }
            switch keyword {
            case "STARTTLS": startTLS = true
            case "PIPELINING": pipelining = true
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            case "SIZE": maxSize = words.dropFirst().first.flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
            case "AUTH": authMechanisms.formUnion(words.dropFirst())
            default:
                // Old servers say `AUTH=LOGIN PLAIN`.
                if keyword.hasPrefix("AUTH=") {
                    authMechanisms.insert(String(keyword.dropFirst(5)))
                    authMechanisms.formUnion(words.dropFirst())
                }
            }
        }
    }
}

/// The commands and data an SMTP client writes.
public enum SMTPCommand {
    public static func ehlo(_ domain: String) -> String { "EHLO \(domain)\r\n" }
    public static func mailFrom(_ address: String, size: Int?) -> String {
        "MAIL FROM:<\(address)>" + (size.map { " SIZE=\($0)" } ?? "") + "\r\n"
    }
    public static func rcptTo(_ address: String) -> String { "RCPT TO:<\(address)>\r\n" }

    /// `AUTH PLAIN` with the credentials in its one argument (RFC 4616).
    public static func authPlain(user: String, password: String) -> String {
        "AUTH PLAIN " + Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString() + "\r\n"
    }

    /// `AUTH LOGIN`'s answers to the server's two prompts.
    public static func base64Line(_ text: String) -> String { Data(text.utf8).base64EncodedString() + "\r\n" }

    /// The message as DATA sends it: every line beginning with a dot gets another (RFC 5321
    /// 4.5.2), bare line feeds become CRLF, and a line with a single dot ends it.
    public static func data(_ message: Data) -> Data {
        var out = Data()
        out.reserveCapacity(message.count + message.count / 60 + 5)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in message {
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { out.append(UInt8(ascii: "\r")) }
            if atLineStart, byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !atLineStart { out.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")]) }
        out.append(contentsOf: Array(".\r\n".utf8))
        return out
    }

    /// An address an envelope may carry: no spaces, brackets or line breaks (no command injection).
    public static func isSafeAddress(_ address: String) -> Bool {
        !address.isEmpty && address.count <= 320 && address.contains("@")
            && !address.contains { $0 == "<" || $0 == ">" || $0 == " " || $0 == "\r" || $0 == "\n" || $0 == "\0" }
    }
}
