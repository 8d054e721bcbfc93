import Foundation

/// One phone, e-mail, messenger or web site of a company or person, with its type
/// ("work", "mobile", "Telegram", …) and the form used for matching.
public struct ContactChannel: Codable, Equatable, Sendable {
    public var kind: ChannelKind
    /// A free label: work, mobile, home, Telegram, WhatsApp, …
    public var type: String?
    /// What the person typed.
    public var value: String
    /// For matching and search: E.164 for phones, lower case for e-mails and sites; nil when a
    /// phone could not be normalised (kept raw and flagged).
    public var normalized: String?

    public init(kind: ChannelKind, type: String? = nil, value: String, normalized: String? = nil) {
        self.kind = kind; self.type = type; self.value = value; self.normalized = normalized
    }

    /// Validates and normalises channels, naming each bad one as `FIELD[i]`. A phone that
    /// cannot be normalised is kept as typed with `normalized` nil; a bad e-mail is an error.
    public static func cleaned(_ channels: [ContactChannel], field: String, into validator: inout Validator)
        -> [ContactChannel]
    {
        if channels.count > 50 { validator.add(field, "too_many", "at most 50 contact channels") }
        var out: [ContactChannel] = []
        for (index, channel) in channels.prefix(50).enumerated() {
            let name = "\(field)[\(index)]"
            let value = channel.value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { validator.add("\(name).value", "required", "the value is empty"); continue }
            guard value.count <= 200 else { validator.add("\(name).value", "too_long", "at most 200 characters"); continue }
            let type = channel.type?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let type, type.count > 50 { validator.add("\(name).type", "too_long", "at most 50 characters") }
            var normalized: String?
            switch channel.kind {
            case .phone:
                normalized = Phone.normalize(value)
            case .email:
                guard let email = Email.normalize(value) else {
                    validator.add("\(name).value", "invalid", "\(value) is not a valid e-mail address")
                    continue
                }
                normalized = email
            case .website:
                normalized = value.lowercased()
            case .messenger:
                normalized = value.lowercased()
            }
            out.append(ContactChannel(kind: channel.kind, type: type?.isEmpty == true ? nil : type, value: value,
                                      normalized: normalized))
        }
        return out
    }
}
