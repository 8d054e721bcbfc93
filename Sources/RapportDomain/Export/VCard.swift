import Foundation

/// vCard 3.0 (RFC 2426) for contacts: name, organisation, title, phones, e-mails, birthday.
public enum VCard {
    /// One contact as a vCard; `companies` are the organisation names it belongs to.
    public static func make(_ contact: Contact, companies: [String]) -> String {
        var lines = ["BEGIN:VCARD", "VERSION:3.0"]
        let parts = [contact.lastName ?? "", contact.firstName, contact.middleName ?? "", "", ""].map(escape)
        lines.append("N:" + parts.joined(separator: ";"))
        lines.append("FN:" + escape(contact.displayName))
        if let company = companies.first { lines.append("ORG:" + escape(company)) }
        if let position = contact.position { lines.append("TITLE:" + escape(position)) }
        for channel in contact.channels {
            let type = channel.type.map { ";TYPE=" + escape($0).uppercased().replacingOccurrences(of: " ", with: "-") } ?? ""
            switch channel.kind {
            case .phone: lines.append("TEL\(type):" + escape(channel.normalized ?? channel.value))
            case .email: lines.append("EMAIL;TYPE=INTERNET:" + escape(channel.normalized ?? channel.value))
            case .website: lines.append("URL:" + escape(channel.value))
            case .messenger: lines.append("X-MESSENGER:" + escape(channel.value))
            }
        }
        if let birthday = contact.birthday { lines.append("BDAY:" + birthday.description) }
        if let zone = contact.timeZone { lines.append("TZ:" + escape(zone)) }
        lines.append("UID:rapport-contact-\(contact.id)")
        lines.append("END:VCARD")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Escapes backslash, comma, semicolon and line breaks as RFC 2426 asks.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ",", with: "\\,")
            .replacingOccurrences(of: ";", with: "\\;").replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Folds a line longer than 75 bytes, never inside a UTF-8 character.
    static func fold(_ line: String) -> String {
        var out = "", count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(character)
            count += size
        }
        return out
    }
}
