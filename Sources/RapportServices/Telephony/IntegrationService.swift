import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The outside systems that send us events or that we send through (settings right). A
/// secret is shown once, when the integration is made or its secret replaced; after that only
/// its first characters. An SMTP server's secret is its account's password: set by the admin,
/// never shown.
public struct IntegrationService: Sendable {
    let env: ServiceEnvironment
    let store = IntegrationStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    public struct Input: Sendable, Equatable, Decodable {
        public var kind: String?
        public var name: String?
        public var active: Bool?
        public var clickToCallURL: String?
        public var defaultOwnerID: Int64?
        public var source: String?
        /// An SMS gateway's settings (replaced whole).
        public var sms: SMSGatewaySettings?
        /// An SMTP server's settings (replaced whole) and its account's password.
        public var smtp: SMTPSettings?
        public var password: String?
        /// A messenger lead webhook's outgoing connector (replaced whole).
        public var messenger: SMSGatewaySettings?

        public init(kind: String? = nil, name: String? = nil, active: Bool? = nil, clickToCallURL: String? = nil,
                    defaultOwnerID: Int64? = nil, source: String? = nil, sms: SMSGatewaySettings? = nil, smtp: SMTPSettings? = nil,
                    password: String? = nil, messenger: SMSGatewaySettings? = nil) {
            self.sms = sms
            self.messenger = messenger
            self.smtp = smtp
            self.password = password
            self.kind = kind
            self.name = name
            self.active = active
            self.clickToCallURL = clickToCallURL
            self.defaultOwnerID = defaultOwnerID
            self.source = source
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case kind, name, active, source, sms, smtp, password, messenger
            case clickToCallURL = "click_to_call_url", defaultOwnerID = "default_owner_id"
        }
    }

    public func list(by principal: Principal) async throws -> [Integration] {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.store.list(on: db) }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> Integration {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.found(id, db) }
    }

    /// A new integration with a new secret (returned in full this once).
    public func create(_ input: Input, by principal: Principal?) async throws -> Integration {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var v = Validator()
            var kind = Integration.Kind.telephony
            if let text = input.kind {
                if let parsed = Integration.Kind(rawValue: text) { kind = parsed } else {
                    v.add("kind", "invalid", "kind must be one of \(Integration.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            } else { v.add("kind", "required", "kind is required") }
            if input.name == nil { v.add("name", "required", "name is required") }
            var integration = Integration(kind: kind, name: "", secret: SecretGenerator.token(), createdAt: now, updatedAt: now)
            try await self.apply(input, to: &integration, db, &v)
            if kind == .smsGateway, integration.settings.sms == nil, input.sms == nil {
                v.add("sms", "required", "an SMS gateway needs its settings (sms.url at least)")
            }
            if kind == .smtp {
                if input.smtp == nil { v.add("smtp", "required", "an SMTP server needs its settings (smtp.host and smtp.from_address at least)") }
                integration.secret = input.password ?? ""
            }
            try v.throwIfInvalid()
            integration.id = try await self.store.insert(integration, on: db)
            try await self.events.record("integration", integration.id, .created, changes: Self.changes(nil, integration),
                                         by: principal?.userID, on: db)
            return integration
        }
    }

    public func update(_ id: Int64, _ input: Input, expectedVersion: Int64?, by principal: Principal) async throws -> Integration {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.found(id, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            var v = Validator()
            if input.kind != nil && input.kind != before.kind.rawValue { v.add("kind", "not_allowed", "kind cannot change") }
            var after = before
            try await self.apply(input, to: &after, db, &v)
            try v.throwIfInvalid()
            after.updatedAt = now
            return try await self.save(after, before: before, by: principal, db)
        }
    }

    /// Replaces the secret: requests signed with the old one are refused from now on.
    public func replaceSecret(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws -> Integration {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.found(id, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            guard before.kind != .smtp else {
                throw RapportError.invalid("secret", "not_allowed", "an SMTP server's secret is its password: change it with the settings")
            }
            var after = before
            after.secret = SecretGenerator.token()
            after.updatedAt = now
            return try await self.save(after, before: before, by: principal, db)
        }
    }

    /// "Send a test message": an e-mail through the SMTP server's settings now, outside the
    /// outbox, so the admin sees at once what the server says. Returns its final reply.
    public func sendTestMessage(_ id: Int64, to: String?, by principal: Principal) async throws -> String {
        try Access.requireAny(principal, .update, .settings)
        let integration = try await env.database.read { db in try await self.found(id, db) }
        guard integration.kind == .smtp, let settings = integration.settings.smtp else {
            throw RapportError.invalid("id", "not_allowed", "a test message goes through an integration of kind smtp")
        }
        guard let address = Email.normalize(to ?? ""), SMTPCommand.isSafeAddress(address) else {
            throw RapportError.invalid("to", to == nil ? "required" : "invalid", "to must be an e-mail address")
        }
        let sender = try await env.database.read { db in try await UserStore().find(id: principal.userID, on: db) }
        let russian = sender?.locale == .ru
        let message = MIMEMessage(from: MailAddress(settings.fromAddress, name: settings.fromName), to: [MailAddress(address)],
                                  subject: russian ? "Проверка почты Rapport" : "Rapport test message",
                                  text: russian ? "Это проверочное письмо: настройки SMTP «\(integration.name)» работают."
                                      : "This is a test message: the SMTP settings \"\(integration.name)\" work.",
                                  messageID: MIMEMessage.newMessageID(domain: settings.senderDomain), date: env.clock.now())
        let client = SMTPClient(settings: settings, password: integration.secret.isEmpty ? nil : integration.secret,
                                replyTimeout: .seconds(15), dataTimeout: .seconds(30))
        do {
            let reply = try await client.session { session in
                try await session.send(from: settings.fromAddress, to: address, data: message.rendered())
            }
            return reply.text
        } catch let error as SMTPError {
            throw RapportError.upstream(error.description)
        }
    }

    func save(_ after: Integration, before: Integration, by principal: Principal, _ db: any SQLDatabase) async throws -> Integration {
        var saved = after
        guard let version = try await store.update(after, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        saved.version = version
        var changes = Self.changes(before, saved)
        if before.secret != saved.secret { changes.append(FieldChange(field: "secret", old: nil, new: "replaced")) }
        try await events.record("integration", saved.id, .updated, changes: changes, by: principal.userID, on: db)
        return saved
    }

    func found(_ id: Int64, _ db: any SQLDatabase) async throws -> Integration {
        guard let integration = try await store.find(id: id, on: db) else { throw RapportError.notFound(entity: "integration") }
        return integration
    }

    func apply(_ input: Input, to integration: inout Integration, _ db: any SQLDatabase, _ v: inout Validator) async throws {
        if input.name != nil { integration.name = v.requireText(input.name, field: "name", maxLength: 100) }
        if let active = input.active { integration.active = active }
        if let url = input.clickToCallURL {
            let trimmed = url.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { integration.settings.clickToCallURL = nil } else if trimmed.count > 2000
                || !(trimmed.hasPrefix("https://") || trimmed.hasPrefix("http://")) || URL(string: trimmed)?.host == nil {
                v.add("click_to_call_url", "invalid", "click_to_call_url must be an http or https address")
            } else {
                integration.settings.clickToCallURL = trimmed
            }
        }
        if let owner = input.defaultOwnerID {
            if owner == 0 { integration.settings.defaultOwnerID = nil } else if let user = try await UserStore().find(id: owner, on: db),
                user.isActive {
                integration.settings.defaultOwnerID = owner
            } else {
                v.add("default_owner_id", "not_found", "no active user with id \(owner)")
            }
        }
        if input.source != nil { integration.settings.source = v.optionalText(input.source, field: "source", maxLength: 100) }
        if let sms = input.sms {
            if integration.kind != .smsGateway {
                v.add("sms", "not_allowed", "sms settings belong to an integration of kind sms_gateway")
            } else {
                integration.settings.sms = Self.checked(sms, field: "sms", &v)
            }
        }
        if let messenger = input.messenger {
            if integration.kind != .leadWebhook {
                v.add("messenger", "not_allowed", "messenger settings belong to an integration of kind lead_webhook")
            } else {
                integration.settings.messenger = Self.checked(messenger, field: "messenger", &v)
            }
        }
        if let smtp = input.smtp {
            if integration.kind != .smtp {
                v.add("smtp", "not_allowed", "smtp settings belong to an integration of kind smtp")
            } else {
                integration.settings.smtp = Self.checked(smtp, &v)
            }
        }
        if let password = input.password {
            if integration.kind != .smtp {
                v.add("password", "not_allowed", "a password belongs to an integration of kind smtp")
            } else if password.count > 500 || password.contains(where: { $0.isNewline }) {
                v.add("password", "invalid", "password must be one line of at most 500 characters")
            } else {
                integration.secret = password
            }
        }
    }

    /// An SMTP server's settings, checked: a host name, a port, a sender's address.
    static func checked(_ smtp: SMTPSettings, _ v: inout Validator) -> SMTPSettings {
        var out = smtp
        out.host = smtp.host.trimmingCharacters(in: .whitespaces)
        if out.host.isEmpty || out.host.count > 253 || out.host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == ":" && !out.host.hasPrefix("[") }) {
            v.add("smtp.host", "invalid", "smtp.host must be a host name or an address")
        }
        if !(1...65535).contains(out.port) { v.add("smtp.port", "invalid", "smtp.port must be between 1 and 65535") }
        if let address = Email.normalize(smtp.fromAddress) { out.fromAddress = address } else {
            v.add("smtp.from_address", "invalid", "smtp.from_address must be an e-mail address")
        }
        out.fromName = v.optionalText(smtp.fromName, field: "smtp.from_name", maxLength: 200)
        out.username = v.optionalText(smtp.username, field: "smtp.username", maxLength: 320)
        out.heloName = v.optionalText(smtp.heloName, field: "smtp.helo_name", maxLength: 253)
        if let helo = out.heloName, helo.contains(where: { $0.isWhitespace }) { v.add("smtp.helo_name", "invalid", "smtp.helo_name must be one word") }
        return out
    }

    /// An HTTP gateway's settings (an SMS gateway's, a messenger connector's), checked under
    /// `field`: an http(s) address, a body template that reads and names only `{{to}}`,
    /// `{{text}}`, `{{message_id}}` and `{{sender}}`, the report's fields.
    static func checked(_ sms: SMSGatewaySettings, field: String, _ v: inout Validator) -> SMSGatewaySettings {
        var out = sms
        out.url = sms.url.trimmingCharacters(in: .whitespaces)
        if out.url.count > 2000 || !(out.url.hasPrefix("https://") || out.url.hasPrefix("http://")) || URL(string: out.url)?.host == nil {
            v.add("\(field).url", "invalid", "\(field).url must be an http or https address")
        }
        if out.bodyTemplate.count > 4000 { v.add("\(field).body_template", "too_long", "\(field).body_template must be at most 4000 characters") }
        TemplateCheck.check(out.bodyTemplate, field: "\(field).body_template", known: SMSGatewaySettings.placeholders, &v)
        for (name, value) in [("\(field).report_id_field", out.reportIDField), ("\(field).report_status_field", out.reportStatusField)]
            where value.trimmingCharacters(in: .whitespaces).isEmpty || value.count > 100 {
            v.add(name, "invalid", "\(name) must name a field (1–100 characters)")
        }
        if let sender = out.sender, sender.count > 50 { v.add("\(field).sender", "too_long", "\(field).sender must be at most 50 characters") }
        return out
    }

    static func changes(_ before: Integration?, _ after: Integration?) -> [FieldChange] {
        func fields(_ i: Integration?) -> [(String, String?)] {
            guard let i else { return [] }
            return [("kind", i.kind.rawValue), ("name", i.name), ("active", String(i.active)),
                    ("click_to_call_url", i.settings.clickToCallURL), ("default_owner_id", i.settings.defaultOwnerID.map(String.init)),
                    ("source", i.settings.source)]
        }
        return PipelineRecordRules.changes(fields(before), fields(after))
    }
}
