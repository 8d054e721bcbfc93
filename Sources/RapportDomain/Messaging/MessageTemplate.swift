import Foundation

/// A template of an e-mail, an SMS or a document (P8) about one kind of record: its texts with
/// placeholders for the record's fields and its related records'. Every save is a new version;
/// a message sent records the version it used, so what a client received can always be shown.
public struct MessageTemplate: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case email, sms, document
    }

    /// The records a template may be about.
    public enum Subject: String, CaseIterable, Sendable {
        case lead, deal, contact, company, visit
    }

    public var id: Int64
    public var kind: Kind
    /// A stable name for settings and stage conditions (`proposal`, `invoice`, `visit_sms`).
    public var code: String
    public var name: String
    public var subject: Subject
    /// The language it is written in: its money and dates are written for it.
    public var locale: AppLocale
    public var active: Bool
    /// The version in use (the newest).
    public var current: TemplateVersion
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, kind: Kind, code: String, name: String, subject: Subject, locale: AppLocale, active: Bool = true,
                current: TemplateVersion, createdAt: Date, updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.kind = kind
        self.code = code
        self.name = name
        self.subject = subject
        self.locale = locale
        self.active = active
        self.current = current
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }
}

/// One saved state of a template's texts.
public struct TemplateVersion: Equatable, Sendable {
    public var id: Int64
    public var number: Int
    /// The e-mail's subject, a document's title; empty for an SMS.
    public var subject: String
    /// The e-mail's HTML body, a document's body; empty for an SMS.
    public var html: String
    /// The e-mail's plain-text body, the SMS itself.
    public var text: String
    public var createdAt: Date
    public var createdBy: Int64?

    public init(id: Int64 = 0, number: Int = 1, subject: String, html: String, text: String, createdAt: Date, createdBy: Int64?) {
        self.id = id
        self.number = number
        self.subject = subject
        self.html = html
        self.text = text
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
