/// Where and how the company's e-mail goes out (P8): an SMTP server, how the connection is
/// protected, the account (its password is the integration's secret, never shown again), and
/// the sender the messages carry.
public struct SMTPSettings: Equatable, Sendable, Codable {
    public enum Security: String, CaseIterable, Sendable, Codable {
        /// Plain text (a relay on the same machine or network).
        case none
        /// Plain first, then `STARTTLS` before anything else (port 587).
        case starttls
        /// TLS from the first byte (port 465).
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// The account to sign in with (`AUTH PLAIN` or `LOGIN`); none for a relay that needs none.
    public var username: String?
    public var fromAddress: String
    public var fromName: String?
    /// Off only for a server with a self-signed certificate on a trusted network.
    public var verifyCertificate: Bool
    /// The name the client gives in `EHLO` (the sender's domain when not set).
    public var heloName: String?

    public init(host: String, port: Int? = nil, security: Security = .starttls, username: String? = nil, fromAddress: String,
                fromName: String? = nil, verifyCertificate: Bool = true, heloName: String? = nil) {
        self.host = host
        self.port = port ?? Self.defaultPort(security)
        self.security = security
        self.username = username
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.verifyCertificate = verifyCertificate
        self.heloName = heloName
    }

    /// 25, 587 or 465 as the protection suggests.
    public static func defaultPort(_ security: Security) -> Int {
        switch security {
        case .none: 25
        case .starttls: 587
        case .tls: 465
        }
    }

    /// The domain of the sender's address (for `EHLO` and Message-IDs).
    public var senderDomain: String {
        fromAddress.split(separator: "@").last.map(String.init) ?? "localhost"
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, security, username
        case fromAddress = "from_address", fromName = "from_name", verifyCertificate = "verify_certificate", heloName = "helo_name"
    }

    /// Reads the settings as sent or stored: `host` and `from_address` are required, the port
    /// follows the protection when not given, the certificate is verified unless said otherwise.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let security = try c.decodeIfPresent(Security.self, forKey: .security) ?? .starttls
        self.init(host: try c.decode(String.self, forKey: .host), port: try c.decodeIfPresent(Int.self, forKey: .port), security: security,
                  username: try c.decodeIfPresent(String.self, forKey: .username),
                  fromAddress: try c.decode(String.self, forKey: .fromAddress), fromName: try c.decodeIfPresent(String.self, forKey: .fromName),
                  verifyCertificate: try c.decodeIfPresent(Bool.self, forKey: .verifyCertificate) ?? true,
                  heloName: try c.decodeIfPresent(String.self, forKey: .heloName))
    }
}
