import Crypto
import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What is sent to make or change a web form; nil leaves a field as it is.
public struct WebFormInput: Sendable, Equatable, Decodable {
    public struct FieldInput: Sendable, Equatable, Decodable {
        public var code: String?
        public var label: String?
        public var required: Bool?

        public init(code: String?, label: String?, required: Bool? = nil) {
            self.code = code
            self.label = label
            self.required = required
        }
    }

    public var name: String?
    public var fields: [FieldInput]?
    public var thankYou: String?
    public var source: String?
    public var active: Bool?

    public init(name: String? = nil, fields: [FieldInput]? = nil, thankYou: String? = nil, source: String? = nil,
                active: Bool? = nil) {
        self.name = name
        self.fields = fields
        self.thankYou = thankYou
        self.source = source
        self.active = active
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, fields, source, active, thankYou = "thank_you"
    }
}

/// Web forms (P3): kept by administrators, answered by anyone on the company's site. A
/// submission is checked against spam — a hidden field people leave empty, a token its page
/// handed out at least a few seconds before, a limit per address — and becomes a lead (or
/// goes to the known client) with its UTM tags and the page it was sent from.
public struct WebFormService: Sendable {
    let env: ServiceEnvironment
    let store = WebFormStore()
    let events: EventRecorder

    /// The field a person leaves empty (hidden by the page); bots fill it.
    public static let honeypot = "website"
    /// Filled sooner than this after the page was shown: a bot.
    static let quickest: TimeInterval = 2
    /// A page older than this is sent again (its token expired).
    static let oldest: TimeInterval = 86_400
    /// Submissions per address: at most this many in ten minutes.
    static let throttle = LoginThrottle(maxFailures: 10, window: 600, lockout: 600)
    /// The hidden fields a page sends beside the form's own.
    public static let carried = ["_t", honeypot, "_referrer", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term"]

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    // MARK: settings

    public func list(by principal: Principal) async throws -> [WebForm] {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.store.list(on: db) }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> WebForm {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.found(id, db) }
    }

    public func create(_ input: WebFormInput, by principal: Principal?) async throws -> WebForm {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let ru = (try await SettingsStore().get(on: db)?.locale ?? .en) == .ru
            var form = WebForm(name: "", slug: SecretGenerator.token(byteCount: 12), secret: SecretGenerator.token(),
                               thankYou: ru ? "Спасибо! Мы свяжемся с вами в ближайшее время." : "Thank you! We will be in touch shortly.")
            var v = Validator()
            if input.name == nil { v.add("name", "required", "name is required") }
            if input.fields == nil { v.add("fields", "required", "fields is required") }
            try await self.apply(input, to: &form, db, &v)
            try v.throwIfInvalid()
            form.id = try await self.store.insert(form, now: now, on: db)
            try await self.events.record("web_form", form.id, .created, changes: Self.changes(nil, form), by: principal?.userID, on: db)
            return form
        }
    }

    public func update(_ id: Int64, _ input: WebFormInput, expectedVersion: Int64?, by principal: Principal) async throws -> WebForm {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.found(id, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            var form = before
            var v = Validator()
            try await self.apply(input, to: &form, db, &v)
            try v.throwIfInvalid()
            guard let version = try await self.store.update(form, expectedVersion: before.version, now: now, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            form.version = version
            try await self.events.record("web_form", id, .updated, changes: Self.changes(before, form), by: principal.userID, on: db)
            return form
        }
    }

    func found(_ id: Int64, _ db: any SQLDatabase) async throws -> WebForm {
        guard let form = try await store.find(id: id, on: db) else { throw RapportError.notFound(entity: "web_form") }
        return form
    }

    func apply(_ input: WebFormInput, to form: inout WebForm, _ db: any SQLDatabase, _ v: inout Validator) async throws {
        if input.name != nil { form.name = v.requireText(input.name, field: "name", maxLength: 100) }
        if let fields = input.fields {
            let custom = Set(try await CustomValueChecks.definitions(.lead, on: db).map { "cf." + $0.code })
            var checked: [WebForm.Field] = []
            if fields.isEmpty { v.add("fields", "required", "a form asks at least one field") }
            if fields.count > 30 { v.add("fields", "too_many", "at most 30 fields") }
            for (index, field) in fields.prefix(30).enumerated() {
                let code = field.code ?? ""
                if !(WebForm.leadFields.contains(code) || custom.contains(code)) {
                    v.add("fields[\(index)].code", "unknown_field", "\(code) is not a lead field a form may ask")
                } else if checked.contains(where: { $0.code == code }) {
                    v.add("fields[\(index)].code", "duplicate", "\(code) is asked twice")
                }
                let label = v.requireText(field.label, field: "fields[\(index)].label", maxLength: 200)
                checked.append(WebForm.Field(code: code, label: label, required: field.required ?? false))
            }
            if !checked.contains(where: { ["phone", "email"].contains($0.code) }) {
                v.add("fields", "no_contact", "a form must ask a phone or an e-mail, to answer the request")
            }
            form.fields = checked
        }
        // Left empty, the form keeps its thank-you (a new one: the default in the company's language).
        if let text = input.thankYou, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            form.thankYou = v.requireText(text, field: "thank_you", maxLength: 2000)
        }
        if input.source != nil { form.source = v.requireText(input.source, field: "source", maxLength: 100) }
        if let active = input.active { form.active = active }
    }

    static func changes(_ before: WebForm?, _ after: WebForm?) -> [FieldChange] {
        func fields(_ f: WebForm?) -> [(String, String?)] {
            guard let f else { return [] }
            return [("name", f.name), ("fields", f.fields.map { "\($0.code)\($0.required ? "*" : "")" }.joined(separator: ", ")),
                    ("thank_you", f.thankYou), ("source", f.source), ("active", String(f.active))]
        }
        return PipelineRecordRules.changes(fields(before), fields(after))
    }

    // MARK: the public side

    /// An active form by its public name; "not found" otherwise.
    public func published(_ slug: String) async throws -> WebForm {
        guard slug.count <= 64, let form = try await env.database.read({ db in try await self.store.find(slug: slug, on: db) }),
              form.active
        else { throw RapportError.notFound(entity: "web_form") }
        return form
    }

    /// The token a page carries: when it was shown, signed with the form's secret.
    public func token(for form: WebForm) -> String {
        let issued = String(Int64(env.clock.now().timeIntervalSince1970))
        return issued + "." + SecretGenerator.hex(HMAC<SHA256>.authenticationCode(for: Data((form.slug + issued).utf8),
                                                                                  using: SymmetricKey(data: Data(form.secret.utf8))))
    }

    /// When the page carrying `token` was shown; nil for a token the form did not sign.
    func shown(_ token: String?, form: WebForm) -> Date? {
        guard let token, let dot = token.firstIndex(of: "."), let seconds = Int64(token[..<dot]) else { return nil }
        let issued = String(token[..<dot])
        let expected = SecretGenerator.hex(HMAC<SHA256>.authenticationCode(for: Data((form.slug + issued).utf8),
                                                                           using: SymmetricKey(data: Data(form.secret.utf8))))
        guard SecretGenerator.constantTimeEquals(String(token[token.index(after: dot)...]), expected) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    public enum Outcome: Equatable, Sendable {
        /// Taken in: a lead made, or the known client's card.
        case received(WorkTask.Link)
        /// A bot's (the hidden field filled, or sent too fast): thanked, nothing kept.
        case ignored
    }

    /// A submission of the form's page from `address`: every value by its field's code, the
    /// page's hidden fields beside them. Refused with the fields named (the form's own rules,
    /// unknown fields, an expired page); too many from one address is `rateLimited`.
    public func submit(_ slug: String, values: [String: String], from address: String?) async throws -> Outcome {
        let form = try await published(slug)
        let now = env.clock.now()
        let unknown = values.keys.filter { key in !form.fields.contains { $0.code == key } && !Self.carried.contains(key) }.sorted()
        if !unknown.isEmpty {
            throw RapportError.validation(unknown.map { FieldError(field: $0, code: "unknown_field", message: "\($0) is not a field of this form") })
        }
        if !(values[Self.honeypot] ?? "").isEmpty {
            env.logger.notice("a web form's hidden field was filled: ignored", metadata: ["form": "\(form.id)"])
            return .ignored
        }
        guard let shownAt = shown(values["_t"], form: form), now.timeIntervalSince(shownAt) <= Self.oldest else {
            throw RapportError.invalid("_t", "expired", "the page is old: check the fields and send the form again")
        }
        if now.timeIntervalSince(shownAt) < Self.quickest {
            env.logger.notice("a web form was sent faster than a person can: ignored", metadata: ["form": "\(form.id)"])
            return .ignored
        }
        var v = Validator()
        var input = LeadInput()
        var lines: [String] = []
        for field in form.fields {
            let value = (values[field.code] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if value.isEmpty {
                if field.required { v.add(field.code, "required", "\(field.label) is required") }
                continue
            }
            lines.append("\(field.label): \(value)")
            Self.put(value, as: field.code, into: &input)
        }
        if (input.phones ?? []).isEmpty && (input.emails ?? []).isEmpty {
            v.add(form.fields.first { ["phone", "email"].contains($0.code) }?.code ?? "phone", "required",
                  "a phone or an e-mail is needed to answer")
        }
        if let phone = input.phones?.first, Phone.normalize(phone) == nil { v.add("phone", "invalid", "this is not a phone number") }
        if let email = input.emails?.first, Email.normalize(email) == nil { v.add("email", "invalid", "this is not an e-mail address") }
        try v.throwIfInvalid()
        input.source = form.source
        input.referrer = values["_referrer"].flatMap { $0.isEmpty ? nil : String($0.prefix(2000)) }
        (input.utmSource, input.utmMedium, input.utmCampaign) = (values["utm_source"], values["utm_medium"], values["utm_campaign"])
        (input.utmContent, input.utmTerm) = (values["utm_content"], values["utm_term"])
        let key = "form:\(form.id):\(address ?? "unknown")"
        return try await env.database.transaction { [input, lines] db in
            let throttle = LoginThrottleStore()
            let state = try await throttle.state(key: key, on: db)
            if let wait = Self.throttle.retryAfter(state, now: now) { throw RapportError.rateLimited(retryAfterSeconds: wait) }
            try await throttle.save(key: key, state: Self.throttle.failed(state, now: now), on: db)
            let ru = (try await SettingsStore().get(on: db)?.locale ?? .en) == .ru
            var details = lines
            if let page = input.referrer { details.append((ru ? "Страница: " : "Page: ") + page) }
            let link = try await LeadIntake(env: self.env).receive(
                input, kind: .note, subject: (ru ? "Заявка с сайта: " : "Web form: ") + form.name,
                details: details.joined(separator: "\n"), defaultOwnerID: nil, now: now, db).link
            return .received(link)
        }
    }

    /// Puts a form's value into the lead input by the field's code.
    static func put(_ value: String, as code: String, into input: inout LeadInput) {
        switch code {
        case "full_name":
            // «ФИО»: last, first, middle — as the import reads it.
            (input.lastName, input.firstName, input.middleName) = ImportRowReader.personName(["full_name": value])
        case "first_name": input.firstName = value
        case "last_name": input.lastName = value
        case "middle_name": input.middleName = value
        case "phone": input.phones = [value]
        case "email": input.emails = [value]
        case "company_name": input.companyName = value
        case "topic": input.topic = value
        case "object_address": input.objectAddress = value
        case "region": input.region = value
        case "language": input.language = value
        case "client_type": input.clientType = value
        case "amount": input.amount = MoneyText(value)
        case "comments": input.comments = value
        default:
            if code.hasPrefix("cf.") { input.custom = (input.custom ?? [:]).merging([String(code.dropFirst(3)): .text(value)]) { $1 } }
        }
    }
}
