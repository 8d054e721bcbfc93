import Foundation

/// Reads vCard 2.1, 3.0 and 4.0 files (RFC 2426, RFC 6350, and what phones export): folded
/// lines, escapes, `TYPE` parameters in every spelling, quoted-printable values with their
/// charset, `tel:` URIs. Properties a contact has no place for are ignored. The cards become
/// a table with Rapport's own column names, so an import of contacts reads them like a CSV.
public enum VCardReader {
    public struct Card: Equatable, Sendable {
        public var lastName = "", firstName = "", middleName = "", fullName = ""
        public var organization = "", title = ""
        public var phones: [String] = [], emails: [String] = [], messengers: [String] = []
        public var birthday = "", timeZone = ""
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Whether the text starts as a vCard file does.
    public static func looksLikeVCard(_ data: Data) -> Bool {
        let head = String(decoding: data.prefix(64), as: UTF8.self).replacingOccurrences(of: "\u{FEFF}", with: "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return head.uppercased().hasPrefix("BEGIN:VCARD")
    }

    /// The columns `table` writes, all of them import targets of a contact.
    public static let columns = ["last_name", "first_name", "middle_name", "position", "company", "phones", "emails",
                                 "messengers", "birthday", "time_zone"]

    /// The cards as a header row and one row per card. A card without a structured name
    /// (`N`) is named from `FN`, read in display order: given name first, then the rest.
    public static func table(_ data: Data) throws -> [[String]] {
        [columns] + (try cards(data)).map { card in
            var (last, first) = (card.lastName, card.firstName)
            if last.isEmpty && first.isEmpty {
                let words = card.fullName.split(separator: " ").map(String.init)
                first = words.first ?? ""
                last = words.dropFirst().joined(separator: " ")
            }
            return [last, first, card.middleName, card.title, card.organization, card.phones.joined(separator: "; "),
                    card.emails.joined(separator: "; "), card.messengers.joined(separator: "; "), card.birthday, card.timeZone]
        }
    }

    public static func cards(_ data: Data) throws -> [Card] {
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1251) else {
            throw Failure(description: "the file is neither UTF-8 nor Windows-1251 text")
        }
        var cards: [Card] = []
        var card: Card?
        for line in unfold(text) {
            guard let property = Property(line) else { continue }
            switch property.name {
            case "BEGIN" where property.value.uppercased() == "VCARD":
                card = Card()
            case "END" where property.value.uppercased() == "VCARD":
                if let done = card { cards.append(done) }
                card = nil
            default:
                if card != nil { apply(property, to: &card!) }
            }
        }
        if card != nil { throw Failure(description: "the last card has no END:VCARD") }
        guard !cards.isEmpty else { throw Failure(description: "the file holds no BEGIN:VCARD … END:VCARD card") }
        return cards
    }

    static func apply(_ property: Property, to card: inout Card) {
        let value = property.value
        switch property.name {
        case "N":
            let parts = components(value, separator: ";")
            func part(_ index: Int) -> String { index < parts.count ? parts[index] : "" }
            card.lastName = part(0)
            card.firstName = part(1)
            card.middleName = part(2)
        case "FN": card.fullName = unescape(value)
        case "ORG": card.organization = components(value, separator: ";").first ?? ""
        case "TITLE": card.title = unescape(value)
        case "TEL":
            var phone = unescape(value)
            if phone.lowercased().hasPrefix("tel:") { phone = String(phone.dropFirst(4)) }
            if let semicolon = phone.firstIndex(of: ";") { phone = String(phone[..<semicolon]) }  // tel:+7…;ext=1
            if !phone.isEmpty { card.phones.append(phone) }
        case "EMAIL":
            let email = unescape(value)
            if !email.isEmpty { card.emails.append(email) }
        case "IMPP", "X-TELEGRAM", "X-WHATSAPP", "X-SKYPE", "X-MESSENGER", "X-JABBER", "X-ICQ":
            let handle = unescape(value)
            if !handle.isEmpty { card.messengers.append(handle) }
        case "BDAY": card.birthday = birthday(unescape(value))
        case "TZ":
            let zone = unescape(value)
            // Only a zone name (Europe/Moscow) fits a contact; offsets like +03:00 do not.
            if zone.contains("/") { card.timeZone = zone }
        default: break
        }
    }

    /// `19800415`, `1980-04-15`, `1980-04-15T00:00:00Z` → `1980-04-15`; a day without a
    /// year (`--0415`) cannot be a birthday here and is dropped.
    static func birthday(_ text: String) -> String {
        let day = String(text.prefix { $0 != "T" })
        let digits = day.filter(\.isNumber)
        guard !day.hasPrefix("--"), digits.count == 8 else { return day.hasPrefix("--") ? "" : day }
        let d = Array(digits)
        return "\(String(d[0..<4]))-\(String(d[4..<6]))-\(String(d[6..<8]))"
    }

    // MARK: lines and values

    /// Logical lines: CRLF/LF endings, continuation lines (starting with a space or tab)
    /// joined, and quoted-printable soft breaks (a line ending in `=`) joined too.
    static func unfold(_ text: String) -> [String] {
        var lines: [String] = []
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        {
            if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += raw.dropFirst()
            } else if let last = lines.last, last.uppercased().contains("QUOTED-PRINTABLE"), last.hasSuffix("=") {
                lines[lines.count - 1] = String(last.dropLast()) + raw
            } else {
                lines.append(String(raw))
            }
        }
        return lines.filter { !$0.isEmpty }
    }

    /// One content line: `group.NAME;PARAM=…:value`, the value decoded when it was
    /// quoted-printable (in its charset: UTF-8, or Windows-1251 when it says so).
    struct Property {
        var name: String
        var value: String

        init?(_ line: String) {
            guard let colon = Self.colon(in: line) else { return nil }
            let head = line[..<colon]
            var value = String(line[line.index(after: colon)...])
            let parts = head.split(separator: ";").map(String.init)
            guard let first = parts.first else { return nil }
            name = (first.split(separator: ".").last.map(String.init) ?? first).uppercased()
            let parameters = parts.dropFirst().map { $0.uppercased() }
            if parameters.contains(where: { $0 == "QUOTED-PRINTABLE" || $0 == "ENCODING=QUOTED-PRINTABLE" }) {
                let charset = parameters.first { $0.hasPrefix("CHARSET=") }.map { String($0.dropFirst(8)) } ?? "UTF-8"
                value = VCardReader.quotedPrintable(value, charset: charset)
            }
            self.value = value
        }

        /// The colon that ends the name and parameters (not one inside a quoted parameter).
        static func colon(in line: String) -> String.Index? {
            var quoted = false
            for index in line.indices {
                if line[index] == "\"" { quoted.toggle() }
                if line[index] == ":" && !quoted { return index }
            }
            return nil
        }
    }

    static func quotedPrintable(_ text: String, charset: String) -> String {
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var index = 0
        while index < source.count {
            if source[index] == UInt8(ascii: "="), index + 2 < source.count,
               let byte = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        let encoding: String.Encoding = ["WINDOWS-1251", "CP1251"].contains(charset) ? .windowsCP1251 : .utf8
        return String(data: Data(bytes), encoding: encoding) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// A structured value split on unescaped separators, each part unescaped.
    static func components(_ value: String, separator: Character) -> [String] {
        var parts: [String] = [], current = "", escaped = false
        for character in value {
            if escaped { current.append("\\"); current.append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == separator { parts.append(unescape(current)); current = ""; continue }
            current.append(character)
        }
        parts.append(unescape(current))
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// `\n` `\,` `\;` `\\` as the characters they stand for.
    static func unescape(_ value: String) -> String {
        var out = "", escaped = false
        for character in value {
            if escaped {
                out.append(character == "n" || character == "N" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
