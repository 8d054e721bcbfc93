import Foundation

/// An outside system that sends us events (a PBX's call events, a site's or a messenger's
/// leads) or that we send through (an SMS gateway, an SMTP server), each with its own secret:
/// every request it sends is signed with it (HMAC-SHA256 of the body) or carries it (an SMS
/// gateway's delivery reports), and what we send it (a click-to-call request) is signed the
/// same way. An SMTP server's secret is the password of its account, set by the admin.
public struct Integration: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case telephony
        case leadWebhook = "lead_webhook"
        case smsGateway = "sms_gateway"
        case smtp
    }

    /// What the integration needs beyond its secret.
    public struct Settings: Equatable, Sendable, Codable {
        /// Where a click-to-call request goes (the PBX's endpoint).
        public var clickToCallURL: String?
        /// Who takes what comes in when no routing rule does.
        public var defaultOwnerID: Int64?
        /// The source its leads carry ("phone", "instagram", "site" …).
        public var source: String?
        /// How to send an SMS through it (an SMS gateway).
        public var sms: SMSGatewaySettings?
        /// How to send e-mail through it (an SMTP server).
        public var smtp: SMTPSettings?
        /// How to reply into its chats (a messenger's lead webhook): the HTTP call an SMS
        /// gateway takes, `{{to}}` being the chat id.
        public var messenger: SMSGatewaySettings?

        public init(clickToCallURL: String? = nil, defaultOwnerID: Int64? = nil, source: String? = nil) {
            self.clickToCallURL = clickToCallURL
            self.defaultOwnerID = defaultOwnerID
            self.source = source
        }

        enum CodingKeys: String, CodingKey {
            case clickToCallURL = "click_to_call_url", defaultOwnerID = "default_owner_id", source, sms, smtp, messenger
        }
    }

    public var id: Int64
    public var kind: Kind
    public var name: String
    public var secret: String
    public var settings: Settings
    public var active: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, kind: Kind, name: String, secret: String, settings: Settings = Settings(), active: Bool = true,
                createdAt: Date, updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.kind = kind
        self.name = name
        self.secret = secret
        self.settings = settings
        self.active = active
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// An active PBX with somewhere to send click-to-call requests.
    public var takesClickToCall: Bool { kind == .telephony && active && !(settings.clickToCallURL ?? "").isEmpty }
}
