/// How to hand an SMS to an HTTP gateway (P8), since every provider wants it differently: the
/// address and method, a body written as a template (`{{to}}`, `{{text}}`, `{{message_id}}`,
/// `{{sender}}`), what a successful answer contains, where the gateway's id of the message is;
/// and how to read its delivery reports (the field with that id and the status values).
public struct SMSGatewaySettings: Equatable, Sendable, Codable {
    public enum Method: String, CaseIterable, Sendable, Codable {
        /// The body template is the query string of a GET.
        case get = "GET"
        case post = "POST"
    }

    public enum ContentType: String, CaseIterable, Sendable, Codable {
        /// Values are escaped as JSON strings inside the template.
        case json
        /// Values are percent-encoded (`application/x-www-form-urlencoded`, or a GET's query).
        case form
    }

    public var url: String
    public var method: Method
    public var contentType: ContentType
    public var bodyTemplate: String
    /// The sender name or number the gateway shows (`{{sender}}`).
    public var sender: String?
    /// A successful answer is 2xx and, when set, contains this text.
    public var successContains: String?
    /// The JSON field of the answer holding the gateway's id of the message.
    public var providerIDField: String?
    /// A delivery report's field holding that id, and its status field with the values that
    /// mean delivered or failed.
    public var reportIDField: String
    public var reportStatusField: String
    public var deliveredValues: [String]
    public var failedValues: [String]

    public init(url: String, method: Method = .post, contentType: ContentType = .json,
                bodyTemplate: String = #"{"to": "{{to}}", "text": "{{text}}", "client_id": "{{message_id}}"}"#, sender: String? = nil,
                successContains: String? = nil, providerIDField: String? = "id", reportIDField: String = "id",
                reportStatusField: String = "status", deliveredValues: [String] = ["delivered"], failedValues: [String] = ["failed", "undelivered"]) {
        self.url = url
        self.method = method
        self.contentType = contentType
        self.bodyTemplate = bodyTemplate
        self.sender = sender
        self.successContains = successContains
        self.providerIDField = providerIDField
        self.reportIDField = reportIDField
        self.reportStatusField = reportStatusField
        self.deliveredValues = deliveredValues
        self.failedValues = failedValues
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case url, method, sender
        case contentType = "content_type", bodyTemplate = "body_template", successContains = "success_contains"
        case providerIDField = "provider_id_field", reportIDField = "report_id_field", reportStatusField = "report_status_field"
        case deliveredValues = "delivered_values", failedValues = "failed_values"
    }

    /// Reads the settings as sent or stored: `url` is required, the rest have the defaults above.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SMSGatewaySettings(url: "")
        url = try c.decode(String.self, forKey: .url)
        method = try c.decodeIfPresent(Method.self, forKey: .method) ?? defaults.method
        contentType = try c.decodeIfPresent(ContentType.self, forKey: .contentType) ?? defaults.contentType
        bodyTemplate = try c.decodeIfPresent(String.self, forKey: .bodyTemplate) ?? defaults.bodyTemplate
        sender = try c.decodeIfPresent(String.self, forKey: .sender)
        successContains = try c.decodeIfPresent(String.self, forKey: .successContains)
        providerIDField = try c.decodeIfPresent(String.self, forKey: .providerIDField) ?? defaults.providerIDField
        reportIDField = try c.decodeIfPresent(String.self, forKey: .reportIDField) ?? defaults.reportIDField
        reportStatusField = try c.decodeIfPresent(String.self, forKey: .reportStatusField) ?? defaults.reportStatusField
        deliveredValues = try c.decodeIfPresent([String].self, forKey: .deliveredValues) ?? defaults.deliveredValues
        failedValues = try c.decodeIfPresent([String].self, forKey: .failedValues) ?? defaults.failedValues
    }

    /// The placeholders a body template may use.
    public static let placeholders: Set<String> = ["to", "text", "message_id", "sender"]
}
