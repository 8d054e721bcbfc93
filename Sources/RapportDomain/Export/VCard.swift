import Foundation

/// vCard 3.0 (RFC 2426) or 4.0 (RFC 6350) for contacts: name, organisation, title, phones,
/// e-mails, messengers, birthday, time zone.
public enum VCard {
    public enum Version: String, Sendable, CaseIterable {
        case v3 = "3.0", v4 = "4.0"
    }

    /// One contact as a vCard; `companies` are the organisation names it belongs to.
    public static func make(_ contact: Contact, companies: [String], version: Version = .v3) -> String {
        let v4 = version == .v4
        var lines = ["BEGIN:VCARD", "VERSION:\(version.rawValue)"]
        let parts = [contact.lastName ?? "", contact.firstName, contact.middleName ?? "", "", ""].map(escape)
        lines.append("N:" + parts.joined(separator: ";"))
        lines.append("FN:" + escape(contact.displayName))
        if let company = companies.first { lines.append("ORG:" + escape(company)) }
        if let position = contact.position { lines.append("TITLE:" + escape(position)) }
        for channel in contact.channels {
            let type = channel.type.map { ";TYPE=" + escape($0).uppercased().replacingOccurrences(of: " ", with: "-") } ?? ""
            switch channel.kind {
            case .phone:
                lines.append(v4 ? "TEL;VALUE=uri\(type):tel:" + escape(channel.normalized ?? channel.value)
                                : "TEL\(type):" + escape(channel.normalized ?? channel.value))
            case .email: lines.append((v4 ? "EMAIL\(type):" : "EMAIL;TYPE=INTERNET:") + escape(channel.normalized ?? channel.value))
            case .website: lines.append("URL:" + escape(channel.value))
            // IMPP wants a URI; a handle such as @ivan is not one.
            case .messenger: lines.append("X-MESSENGER:" + escape(channel.value))
            }
        }
        if let birthday = contact.birthday {
            // 4.0 writes dates in ISO 8601's basic form.
            lines.append("BDAY:" + (v4 ? birthday.description.replacingOccurrences(of: "-", with: "") : birthday.description))
        }
        // A zone name is text; 3.0 and 4.0 would otherwise expect an offset or a URI.
        if let zone = contact.timeZone { lines.append("TZ;VALUE=text:" + escape(zone)) }
        lines.append("UID:rapport-contact-\(contact.id)")
        lines.append("END:VCARD")
        return lines.map(ContentLine.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// Escapes backslash, comma, semicolon and line breaks as RFC 2426 asks.
    static func escape(_ text: String) -> String { ContentLine.escape(text) }
}
