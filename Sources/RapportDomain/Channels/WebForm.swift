import Foundation

/// A form on the company's site (P3): the fields it asks, each a lead field (or a custom one),
/// the thank-you it shows, the source its leads carry. It has a hosted page and an
/// embeddable snippet; a submission becomes a lead (or goes to the known client).
public struct WebForm: Equatable, Sendable {
    public struct Field: Equatable, Sendable, Codable {
        /// A lead field's code (`first_name`, `phone`, `email`, `comments` …) or `cf.<code>`.
        public var code: String
        public var label: String
        public var required: Bool

        public init(code: String, label: String, required: Bool = false) {
            self.code = code
            self.label = label
            self.required = required
        }
    }

    /// The lead fields a form may ask.
    public static let leadFields = [
        "full_name", "first_name", "last_name", "middle_name", "phone", "email", "company_name", "topic", "object_address",
        "region", "language", "client_type", "amount", "comments",
    ]

    public var id: Int64
    public var name: String
    /// The form's public name in its addresses (`/f/<slug>`): random, not guessable.
    public var slug: String
    /// Signs the time tokens its pages hand out.
    public var secret: String
    public var fields: [Field]
    public var thankYou: String
    public var source: String
    public var active: Bool
    public var version: Int64

    public init(id: Int64 = 0, name: String, slug: String, secret: String, fields: [Field] = [], thankYou: String = "",
                source: String = "site", active: Bool = true, version: Int64 = 1) {
        self.id = id
        self.name = name
        self.slug = slug
        self.secret = secret
        self.fields = fields
        self.thankYou = thankYou
        self.source = source
        self.active = active
        self.version = version
    }
}
