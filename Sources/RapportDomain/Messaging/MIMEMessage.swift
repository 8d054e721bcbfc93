import Foundation

/// An e-mail address with the name shown for it.
public struct MailAddress: Equatable, Sendable {
    public var name: String?
    public var address: String

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// `"Name" <a@b>` for a header: a name that is not plain ASCII as an RFC 2047 encoded word.
    public var header: String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        let plain = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && $0 != "\"" && $0 != "\\" }
        return (plain ? "\"\(name)\"" : MIMEText.encodedWords(name)) + " <\(address)>"
    }
}

/// An e-mail as RFC 5322 and MIME want it on the wire (P8): UTF-8 headers as encoded words,
/// the text and HTML as alternatives, files as base64 attachments, its own Message-ID and
/// the thread it answers (In-Reply-To, References). Lines end in CRLF and stay under 78
/// characters where the standards ask; dot-stuffing is the SMTP session's.
public struct MIMEMessage: Equatable, Sendable {
    public struct Attachment: Equatable, Sendable {
        public var fileName: String
        public var contentType: String
        public var data: Data

        public init(fileName: String, contentType: String, data: Data) {
            self.fileName = fileName
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress] = []
    public var replyTo: MailAddress?
    public var subject: String
    public var text: String
    public var html: String?
    public var attachments: [Attachment] = []
    /// Without the angle brackets: `20261130.abc@rapport.example`.
    public var messageID: String
    public var inReplyTo: String?
    public var references: [String] = []
    public var date: Date
    /// A further header, written as given (ASCII): `Auto-Submitted: auto-replied` …
    public struct Header: Equatable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var extraHeaders: [Header] = []

    public init(from: MailAddress, to: [MailAddress], subject: String, text: String, html: String? = nil, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }

    /// A new Message-ID at `domain`.
    public static func newMessageID(domain: String) -> String {
        let random = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        return "\(random)@\(domain)"
    }

    /// The message as bytes for the SMTP DATA command (before dot-stuffing).
    public func rendered() -> Data {
        var lines: [String] = []
        func header(_ name: String, _ value: String) { lines.append(MIMEText.folded("\(name): \(value)")) }
        header("From", from.header)
        header("To", to.map(\.header).joined(separator: ", "))
        if !cc.isEmpty { header("Cc", cc.map(\.header).joined(separator: ", ")) }
        if let replyTo { header("Reply-To", replyTo.header) }
        header("Subject", MIMEText.isPlain(subject) ? subject : MIMEText.encodedWords(subject))
        header("Date", MIMEText.rfc5322Date(date))
        header("Message-ID", "<\(messageID)>")
        if let inReplyTo { header("In-Reply-To", "<\(inReplyTo)>") }
        if !references.isEmpty { header("References", references.map { "<\($0)>" }.joined(separator: " ")) }
        for extra in extraHeaders { header(extra.name, extra.value) }
        header("MIME-Version", "1.0")
        let seed = messageID.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
        let boundary = { (n: Int) in "=_rapport_\(n)_\(String(seed, radix: 36))" }
        let body = alternatives(boundary(2))
        if attachments.isEmpty {
            lines += body
        } else {
            let mixed = boundary(1)
            lines.append("Content-Type: multipart/mixed; boundary=\"\(mixed)\"")
            lines.append("")
            lines.append("--\(mixed)")
            lines += body
            for file in attachments {
                lines.append("--\(mixed)")
                let name = MIMEText.isPlain(file.fileName) ? "\"\(file.fileName)\"" : "\"\(MIMEText.encodedWords(file.fileName))\""
                lines.append(MIMEText.folded("Content-Type: \(file.contentType); name=\(name)"))
                lines.append("Content-Transfer-Encoding: base64")
                lines.append(MIMEText.folded("Content-Disposition: attachment; filename=\(name); filename*=UTF-8''\(MIMEText.percentEncoded(file.fileName))"))
                lines.append("")
                lines += MIMEText.base64Lines(file.data)
            }
            lines.append("--\(mixed)--")
        }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// The text (and the HTML) part(s) with their headers.
    func alternatives(_ boundary: String) -> [String] {
        func part(_ type: String, _ content: String) -> [String] {
            ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
                + MIMEText.base64Lines(Data(content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8))
        }
        guard let html else { return part("text/plain", text) }
        return ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "", "--\(boundary)"] + part("text/plain", text)
            + ["--\(boundary)"] + part("text/html", html) + ["--\(boundary)--"]
    }
}

/// The pieces of MIME writing: RFC 2047 encoded words, folded headers, base64 lines.
public enum MIMEText {
    /// Printable ASCII only (a header value that needs no encoding).
    public static func isPlain(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && $0.value < 127 }
    }

    /// `=?UTF-8?B?…?=` words of at most 64 characters, split between whole characters.
    public static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk = ""
        for character in text {
            let next = chunk + String(character)
            // 39 bytes of UTF-8 make 52 base64 characters: with "=?UTF-8?B?" and "?=", 64 — so the
            // first word fits on the header's own line ("Subject: " and 64 is 73).
            if next.utf8.count > 39 {
                words.append(chunk)
                chunk = String(character)
            } else {
                chunk = next
            }
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: " ")
    }

    /// A header line folded at spaces to lines of at most 78 characters (RFC 5322 2.2.3).
    public static func folded(_ line: String) -> String {
        guard line.count > 78 else { return line }
        var out: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty, current.count + 1 + word.count > 78 {
                out.append(current)
                current = " " + word
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        out.append(current)
        return out.joined(separator: "\r\n")
    }

    /// Base64 in lines of 76 characters.
    public static func base64Lines(_ data: Data) -> [String] {
        let encoded = data.base64EncodedString()
        var lines: [String] = []
        var start = encoded.startIndex
        while start < encoded.endIndex {
            let end = encoded.index(start, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[start..<end]))
            start = end
        }
        return lines.isEmpty ? [""] : lines
    }

    /// RFC 2231's `filename*` value.
    public static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `Mon, 30 Nov 2026 12:35:00 +0000`.
    public static func rfc5322Date(_ date: Date) -> String {
        var time = time_t(Int(date.timeIntervalSince1970))
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
