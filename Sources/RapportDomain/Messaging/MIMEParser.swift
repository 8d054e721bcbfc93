import Foundation

/// An e-mail as it arrived, read (P8): its senders and recipients, subject (RFC 2047 encoded
/// words decoded), thread (Message-ID, In-Reply-To, References), the text and HTML bodies in
/// whatever charset and transfer encoding they came in, the attachments, and whether it was
/// sent by a machine (an auto-reply, a bounce, a list), which must never be answered.
public struct ParsedMail: Sendable, Equatable {
    /// A file the message carries (the same shape as one Rapport attaches).
    public typealias File = MIMEMessage.Attachment

    public var from: MailAddress?
    public var to: [MailAddress] = []
    public var replyTo: MailAddress?
    public var subject = ""
    /// Without angle brackets.
    public var messageID: String?
    public var inReplyTo: String?
    public var references: [String] = []
    public var date: Date?
    public var text = ""
    public var html: String?
    public var attachments: [File] = []
    /// `Auto-Submitted` other than `no`, `Precedence: bulk/junk/list`, a list or a bounce.
    public var isAutomatic = false
    public var headers: [(name: String, value: String)] = []

    public init() {}

    public static func == (a: ParsedMail, b: ParsedMail) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.messageID == b.messageID && a.inReplyTo == b.inReplyTo
            && a.references == b.references && a.text == b.text && a.html == b.html && a.attachments == b.attachments
            && a.isAutomatic == b.isAutomatic
    }

    /// The first value of a header (any case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Reads RFC 5322 messages with MIME: headers folded over lines, multipart (mixed, alternative,
/// related, nested), base64 and quoted-printable, RFC 2047 headers, RFC 2231 file names, the
/// charsets of `MailCharset`.
public enum MIMEParser {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func parse(_ data: Data) throws(Failure) -> ParsedMail {
        let bytes = [UInt8](data)
        let (headers, bodyStart) = readHeaders(bytes, from: 0)
        guard !headers.isEmpty, headers.contains(where: { $0.name.lowercased() == "from" }) else {
            throw Failure(description: "the message has no headers or no From")
        }
        var mail = ParsedMail()
        mail.headers = headers.map { ($0.name, decodeWords($0.value)) }
        mail.from = mail.header("From").flatMap { addresses($0).first }
        mail.to = mail.header("To").map(addresses) ?? []
        mail.replyTo = mail.header("Reply-To").flatMap { addresses($0).first }
        mail.subject = mail.header("Subject")?.trimmingCharacters(in: .whitespaces) ?? ""
        mail.messageID = mail.header("Message-ID").flatMap { ids($0).first }
        mail.inReplyTo = mail.header("In-Reply-To").flatMap { ids($0).first }
        mail.references = mail.header("References").map(ids) ?? []
        mail.date = mail.header("Date").flatMap(parseDate)
        guard mail.from.map({ $0.address.contains("@") }) == true else { throw Failure(description: "the From header holds no address") }
        let auto = mail.header("Auto-Submitted")?.lowercased().trimmingCharacters(in: .whitespaces)
        let precedence = mail.header("Precedence")?.lowercased().trimmingCharacters(in: .whitespaces)
        let sender = mail.from?.address.lowercased() ?? ""
        mail.isAutomatic = (auto != nil && auto != "no") || ["bulk", "junk", "list", "auto_reply"].contains(precedence ?? "")
            || mail.header("List-Id") != nil || mail.header("X-Autoreply") != nil || mail.header("X-Autorespond") != nil
            || sender.hasPrefix("mailer-daemon@") || sender.hasPrefix("postmaster@") || mail.header("Return-Path") == "<>"
        let top = Part(headers: headers, body: Array(bytes[min(bodyStart, bytes.count)...]))
        collect(top, into: &mail, depth: 0)
        if mail.text.isEmpty, let html = mail.html { mail.text = plainText(html) }
        return mail
    }

    // MARK: parts

    struct Part {
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    static func collect(_ part: Part, into mail: inout ParsedMail, depth: Int) {
        let (type, parameters) = contentType(part.header("Content-Type"))
        if type.hasPrefix("multipart/"), depth < 10, let boundary = parameters["boundary"], !boundary.isEmpty {
            for child in split(part.body, boundary: boundary) { collect(child, into: &mail, depth: depth + 1) }
            return
        }
        let content = decodeBody(part.body, encoding: part.header("Content-Transfer-Encoding"))
        let disposition = contentType(part.header("Content-Disposition"))
        let name = disposition.parameters["filename"] ?? parameters["name"]
        // The first plain and HTML texts not sent as files are the body; everything else is a file.
        let isBody = disposition.type != "attachment" && (type.isEmpty || type == "text/plain" || type == "text/html")
        if isBody, type == "text/html", mail.html == nil {
            mail.html = MailCharset.decode(content, charset: parameters["charset"])
        } else if isBody, type != "text/html", mail.text.isEmpty {
            mail.text = MailCharset.decode(content, charset: parameters["charset"])
        } else if !isBody {
            let fallback = type == "message/rfc822" ? "message.eml" : "attachment"
            mail.attachments.append(.init(fileName: name.map(decodeWords) ?? fallback, contentType: type.isEmpty ? "application/octet-stream" : type,
                                          data: Data(content)))
        }
    }

    /// The parts between `--boundary` lines (the preamble and epilogue dropped).
    static func split(_ body: [UInt8], boundary: String) -> [Part] {
        let marker = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        var start: Int?
        var lineStart = 0
        var index = 0
        while index <= body.count {
            if index == body.count || body[index] == UInt8(ascii: "\n") {
                let line = body[lineStart..<index]
                if line.starts(with: marker) {
                    if let from = start {
                        var end = lineStart
                        // The line break before the boundary belongs to it.
                        if end > from, body[end - 1] == UInt8(ascii: "\n") { end -= 1 }
                        if end > from, body[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                        let (headers, bodyStart) = readHeaders(body, from: from, to: max(from, end))
                        parts.append(Part(headers: headers, body: Array(body[min(bodyStart, max(from, end))..<max(from, end)])))
                    }
                    let rest = line.dropFirst(marker.count)
                    if rest.starts(with: Array("--".utf8)) { return parts }
                    start = index + 1
                }
                lineStart = index + 1
            }
            index += 1
        }
        return parts
    }

    /// Header lines (unfolded) up to the empty line; returns where the body starts.
    static func readHeaders(_ bytes: [UInt8], from start: Int, to end: Int? = nil) -> ([(name: String, value: String)], Int) {
        let limit = min(end ?? bytes.count, bytes.count)
        var headers: [(name: String, value: String)] = []
        var index = start
        while index < limit {
            var lineEnd = index
            while lineEnd < limit, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var line = bytes[index..<lineEnd]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            index = lineEnd + 1
            if line.isEmpty { return (headers, index) }
            let text = MailCharset.decode(line, charset: "utf-8")
            if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !headers.isEmpty {
                headers[headers.count - 1].value += " " + text.trimmingCharacters(in: .whitespaces)
            } else if let colon = text.firstIndex(of: ":") {
                headers.append((String(text[..<colon]).trimmingCharacters(in: .whitespaces),
                                String(text[text.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            } else if headers.isEmpty {
                return ([], start)  // not a header: no headers at all
            }
        }
        return (headers, limit)
    }

    // MARK: values

    /// `text/plain; charset="koi8-r"` → the type in lower case and its parameters (RFC 2231 `name*=` decoded).
    static func contentType(_ value: String?) -> (type: String, parameters: [String: String]) {
        guard let value else { return ("", [:]) }
        let pieces = splitParameters(value)
        var parameters: [String: String] = [:]
        var continued: [String: [(Int, String, Bool)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var key = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var raw = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if raw.hasPrefix("\""), raw.hasSuffix("\""), raw.count >= 2 { raw = String(raw.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"") }
            let extended = key.hasSuffix("*")
            if extended { key.removeLast() }
            // name*0*=…; name*1*=… continue one value.
            if let star = key.firstIndex(of: "*"), let number = Int(key[key.index(after: star)...]) {
                continued[String(key[..<star]), default: []].append((number, raw, extended))
                continue
            }
            parameters[key] = extended ? rfc2231(raw) : raw
        }
        for (key, list) in continued {
            let sorted = list.sorted { $0.0 < $1.0 }
            let joined = sorted.map(\.1).joined()
            parameters[key] = sorted.first?.2 == true ? rfc2231(joined) : joined
        }
        return (pieces.first?.trimmingCharacters(in: .whitespaces).lowercased() ?? "", parameters)
    }

    /// Splits on `;` outside quotes.
    static func splitParameters(_ value: String) -> [String] {
        var out: [String] = [], current = "", quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted { out.append(current); current = "" } else { current.append(character) }
        }
        out.append(current)
        return out
    }

    /// `UTF-8''%D0%9A%D0%9F.pdf` → `КП.pdf`.
    static func rfc2231(_ value: String) -> String {
        let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        let (charset, encoded) = parts.count == 3 ? (String(parts[0]), String(parts[2])) : ("utf-8", value)
        return MailCharset.decode(percentDecoded(encoded), charset: charset.isEmpty ? "utf-8" : charset)
    }

    static func percentDecoded(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "%"), bytes.count >= 2, let value = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(value)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return out
    }

    /// RFC 2047 encoded words (`=?KOI8-R?B?…?=`, `=?utf-8?Q?…?=`) decoded; the space between two
    /// of them is dropped, as the standard asks.
    public static func decodeWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var out = ""
        var rest = Substring(value)
        var lastWasWord = false
        while let match = rest.firstMatch(of: /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/) {
            let between = rest[..<match.range.lowerBound]
            if !(lastWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            let charset = String(match.output.1), encoding = match.output.2.uppercased(), text = String(match.output.3)
            let bytes: [UInt8]
            if encoding == "B" {
                bytes = Data(base64Encoded: padded(text)).map { [UInt8]($0) } ?? Array(text.utf8)
            } else {
                bytes = quotedPrintable(Array(text.replacingOccurrences(of: "_", with: " ").utf8), inHeader: true)
            }
            out += MailCharset.decode(bytes, charset: charset.split(separator: "*").first.map(String.init))
            lastWasWord = true
            rest = rest[match.range.upperBound...]
        }
        return out + rest
    }

    static func padded(_ base64: String) -> String {
        let clean = base64.filter { !$0.isWhitespace }
        return clean + String(repeating: "=", count: (4 - clean.count % 4) % 4)
    }

    static func decodeBody(_ body: [UInt8], encoding: String?) -> [UInt8] {
        switch encoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "base64":
            let text = String(decoding: body.filter { !($0 == 13 || $0 == 10 || $0 == 32 || $0 == 9) }, as: UTF8.self)
            return Data(base64Encoded: padded(text), options: .ignoreUnknownCharacters).map { [UInt8]($0) } ?? body
        case "quoted-printable": return quotedPrintable(body, inHeader: false)
        default: return body
        }
    }

    static func quotedPrintable(_ bytes: [UInt8], inHeader: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 48...57: b - 48
            case 65...70: b - 55
            case 97...102: b - 87
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
                // A soft line break: `=` at the end of a line.
                var next = index + 1
                if next < bytes.count, bytes[next] == UInt8(ascii: "\r") { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "\n") { index = next + 1; continue }
                if next >= bytes.count { break }
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    /// `"Name" <a@b>, c@d` → addresses (names decoded).
    static func addresses(_ value: String) -> [MailAddress] {
        var out: [MailAddress] = []
        var current = "", quoted = false, angle = 0
        for character in value + "," {
            if character == "\"" { quoted.toggle() }
            if character == "<" { angle += 1 }
            if character == ">" { angle = max(0, angle - 1) }
            if character == "," && !quoted && angle == 0 {
                if let address = address(current) { out.append(address) }
                current = ""
            } else {
                current.append(character)
            }
        }
        return out
    }

    static func address(_ text: String) -> MailAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), let close = trimmed.lastIndex(of: ">"), open < close {
            let address = String(trimmed[trimmed.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
            var name = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            return address.isEmpty ? nil : MailAddress(address.lowercased(), name: name.isEmpty ? nil : name)
        }
        let bare = trimmed.split(separator: " ").first.map(String.init) ?? ""
        return bare.contains("@") ? MailAddress(bare.lowercased()) : nil
    }

    /// Message ids without their angle brackets.
    static func ids(_ value: String) -> [String] {
        let found = value.matches(of: /<([^<>\s]+)>/).map { String($0.output.1) }
        if !found.isEmpty { return found }
        let bare = value.trimmingCharacters(in: .whitespaces)
        return bare.isEmpty || bare.contains(" ") ? [] : [bare]
    }

    static func parseDate(_ value: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let cleaned = value.replacing(/\s*\([^)]*\)\s*$/, with: "").trimmingCharacters(in: .whitespaces)
        for format in ["EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: cleaned) { return date }
        }
        return nil
    }

    /// The text of an HTML body, for a message that came with no plain text.
    public static func plainText(_ html: String) -> String {
        var text = html.replacing(/(?is)<(script|style)[^>]*>.*?<\/\1>/, with: "")
        text = text.replacing(/(?i)<br\s*\/?>|<\/p>|<\/div>|<\/tr>|<\/h[1-6]>|<\/li>/, with: "\n")
        text = text.replacing(/<[^>]*>/, with: "")
        for (entity, value) in [("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: value)
        }
        return text.replacing(/[ \t]+\n/, with: "\n").replacing(/\n{3,}/, with: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
