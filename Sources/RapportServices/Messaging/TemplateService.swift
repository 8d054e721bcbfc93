import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What is sent to make or change a message template.
public struct TemplateInput: Sendable, Equatable, Decodable {
    public var kind: String?
    public var code: String?
    public var name: String?
    /// The kind of record the template is about (`lead`, `deal`, `contact`, `company`, `visit`).
    public var recordKind: String?
    public var locale: String?
    public var active: Bool?
    public var subject: String?
    public var html: String?
    public var text: String?

    public init(kind: String? = nil, code: String? = nil, name: String? = nil, recordKind: String? = nil, locale: String? = nil,
                active: Bool? = nil, subject: String? = nil, html: String? = nil, text: String? = nil) {
        self.kind = kind
        self.code = code
        self.name = name
        self.recordKind = recordKind
        self.locale = locale
        self.active = active
        self.subject = subject
        self.html = html
        self.text = text
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, code, name, locale, active, subject, html, text
        case recordKind = "record_kind"
    }
}

/// Message templates (P8): made and changed by those with the settings right, read by anyone
/// who sends. A template is refused on save when a text does not read or names a placeholder
/// that does not exist (with where it is); each change of its texts is a new version.
public struct TemplateService: Sendable {
    let env: ServiceEnvironment
    let store = TemplateStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A template filled for one record.
    public struct Rendered: Sendable, Equatable {
        public var subject: String
        public var html: String
        public var text: String
        public var versionID: Int64
    }

    public func list(by principal: Principal) async throws -> [MessageTemplate] {
        try await env.database.read { db in try await self.store.list(on: db) }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> (template: MessageTemplate, versions: [TemplateVersion]) {
        try await env.database.read { db in
            guard let template = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "template") }
            return (template, try await self.store.versions(templateID: id, on: db))
        }
    }

    public func create(_ input: TemplateInput, by principal: Principal?) async throws -> MessageTemplate {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var v = Validator()
            let kind = v.choice(input.kind, MessageTemplate.Kind.self, field: "kind")
            if input.kind == nil { v.add("kind", "required", "kind is required") }
            let recordKind = v.choice(input.recordKind, MessageTemplate.Subject.self, field: "record_kind")
            if input.recordKind == nil { v.add("record_kind", "required", "record_kind is required") }
            let companyLocale = try await SettingsStore().get(on: db)?.locale ?? .en
            let locale = input.locale.map { AppLocale(rawValue: $0) } ?? companyLocale
            if locale == nil { v.add("locale", "invalid", "locale must be one of en, ru") }
            var template = MessageTemplate(kind: kind ?? .email, code: "", name: "", subject: recordKind ?? .lead, locale: locale ?? .en,
                                           current: TemplateVersion(subject: "", html: "", text: "", createdAt: now,
                                                                    createdBy: principal?.userID),
                                           createdAt: now, updatedAt: now)
            if input.code == nil { v.add("code", "required", "code is required") }
            if input.name == nil { v.add("name", "required", "name is required") }
            // The texts are checked for their kind and record: without those, not at all.
            if kind == nil || recordKind == nil { try v.throwIfInvalid() }
            try await self.apply(input, to: &template, db, &v)
            try v.throwIfInvalid()
            template = try await self.store.insert(template, on: db)
            try await self.events.record("template", template.id, .created, changes: Self.changes(nil, template),
                                         by: principal?.userID, on: db)
            return template
        }
    }

    /// Changes the template; new texts make a new version (the old ones stay, with what was
    /// sent from them).
    public func update(_ id: Int64, _ input: TemplateInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> MessageTemplate
    {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let before = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "template") }
            try Access.requireVersion(expectedVersion, current: before.version)
            var v = Validator()
            for (field, given) in [("kind", input.kind), ("record_kind", input.recordKind), ("locale", input.locale)] where given != nil {
                v.add(field, "locked", "\(field) is fixed once the template is made; make another template instead")
            }
            var after = before
            after.current = TemplateVersion(subject: before.current.subject, html: before.current.html, text: before.current.text,
                                            createdAt: now, createdBy: principal.userID)
            try await self.apply(input, to: &after, db, &v)
            try v.throwIfInvalid()
            after.updatedAt = now
            let newTexts = (after.current.subject, after.current.html, after.current.text)
                != (before.current.subject, before.current.html, before.current.text)
            if !newTexts { after.current = before.current }
            guard let saved = try await self.store.update(after, newTexts: newTexts, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            let changes = Self.changes(before, saved)
            if !changes.isEmpty { try await self.events.record("template", id, .updated, changes: changes, by: principal.userID, on: db) }
            return saved
        }
    }

    /// The template filled for a record the principal may read (what would be sent).
    public func preview(_ id: Int64, for link: WorkTask.Link, by principal: Principal) async throws -> Rendered {
        let now = env.clock.now()
        return try await env.database.read { db in
            guard let template = try await self.store.find(id: id, on: db) else { throw RapportError.notFound(entity: "template") }
            try await self.requireReadable(link, principal, db)
            return try await self.render(template, for: link, now: now, db)
        }
    }

    /// The template's current version filled for `link`: HTML values escaped, the rest as is.
    func render(_ template: MessageTemplate, for link: WorkTask.Link, document: (number: String, date: Date)? = nil, now: Date,
                _ db: any SQLDatabase) async throws -> Rendered {
        let context = try await TemplateContext.load(link, locale: template.locale, document: document, now: now, env: env, db)
        func fill(_ text: String, html: Bool = false) throws -> String {
            try Placeholders(text).render(context.values, lists: context.lists, escape: html ? XMLScanner.escape : { $0 })
        }
        return Rendered(subject: try fill(template.current.subject), html: try fill(template.current.html, html: true),
                        text: try fill(template.current.text), versionID: template.current.id)
    }

    func requireReadable(_ link: WorkTask.Link, _ principal: Principal, _ db: any SQLDatabase) async throws {
        if link.entity == "visit" {
            _ = try await VisitService(env: env).readableOrOwn(link.id, principal, db)
        } else if try await LinkAccess.readableOwnership(link, principal, db) == nil {
            throw RapportError.notFound(entity: link.entity)
        }
    }

    // MARK: checks

    func apply(_ input: TemplateInput, to template: inout MessageTemplate, _ db: any SQLDatabase, _ v: inout Validator) async throws {
        if let code = input.code {
            let trimmed = code.trimmingCharacters(in: .whitespaces).lowercased()
            if trimmed.isEmpty || trimmed.count > 60 || !trimmed.allSatisfy({ ($0.isLetter && $0.isASCII) || $0.isNumber || $0 == "_" }) {
                v.add("code", "invalid", "code must be 1–60 latin letters, digits or _ (such as proposal)")
            } else if try await store.codeTaken(trimmed, kind: template.kind, locale: template.locale, except: template.id == 0 ? nil : template.id,
                                                on: db) {
                v.add("code", "taken", "another \(template.locale.rawValue) \(template.kind.rawValue) template has the code \(trimmed)")
            } else {
                template.code = trimmed
            }
        }
        if let name = input.name { template.name = v.requireText(name, field: "name", maxLength: 200) }
        if let active = input.active { template.active = active }
        if let subject = input.subject { template.current.subject = subject.trimmingCharacters(in: .whitespacesAndNewlines) }
        if let html = input.html { template.current.html = html }
        if let text = input.text { template.current.text = text }
        let texts = template.current
        switch template.kind {
        case .email:
            if texts.subject.isEmpty { v.add("subject", "required", "an e-mail needs a subject") }
            if texts.html.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && texts.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                v.add("text", "required", "an e-mail needs a text or an HTML body")
            }
        case .sms:
            if texts.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { v.add("text", "required", "an SMS needs its text") }
            if texts.text.count > 1000 { v.add("text", "too_long", "an SMS must be at most 1000 characters") }
        case .document:
            if texts.html.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { v.add("html", "required", "a document needs its body") }
        }
        if texts.subject.count > 500 { v.add("subject", "too_long", "subject must be at most 500 characters") }
        if texts.html.count > 200_000 { v.add("html", "too_long", "html must be at most 200000 characters") }
        if texts.text.count > 100_000 { v.add("text", "too_long", "text must be at most 100000 characters") }
        let known = try await knownFields(template.subject, db)
        let sections = TemplateCatalogue.sections(for: template.subject)
        for (field, text) in [("subject", texts.subject), ("html", texts.html), ("text", texts.text)] where !text.isEmpty {
            TemplateCheck.check(text, field: field, known: known, sections: sections, &v)
        }
    }

    /// The catalogue's placeholders for the record kind and the custom fields of its records.
    func knownFields(_ subject: MessageTemplate.Subject, _ db: any SQLDatabase) async throws -> Set<String> {
        var known = TemplateCatalogue.fields(for: subject)
        let custom: [(CustomFieldEntity, String)] = switch subject {
        case .lead, .visit: [(.lead, "lead")]
        case .deal: [(.deal, "deal")]
        case .contact: [(.contact, "contact")]
        case .company: [(.company, "client_company")]
        }
        for (entity, prefix) in custom {
            known.formUnion(try await CustomValueChecks.definitions(entity, on: db).map { "\(prefix).cf.\($0.code)" })
        }
        return known
    }

    static func changes(_ before: MessageTemplate?, _ after: MessageTemplate?) -> [FieldChange] {
        func fields(_ t: MessageTemplate?) -> [(String, String?)] {
            guard let t else { return [] }
            return [("kind", t.kind.rawValue), ("code", t.code), ("name", t.name), ("record_kind", t.subject.rawValue),
                    ("locale", t.locale.rawValue), ("active", String(t.active)), ("template_version", String(t.current.number))]
        }
        return PipelineRecordRules.changes(fields(before), fields(after))
    }
}
