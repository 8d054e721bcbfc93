/// The company's own details for its documents (P8): the legal name, tax numbers, address, the
/// bank account an invoice asks to pay into, who signs, and the pictures — logo, stamp,
/// signature — kept as files (`attachments` of the settings).
public struct CompanyRequisites: Equatable, Sendable, Codable {
    public var fullName: String?
    public var inn: String?
    public var kpp: String?
    public var ogrn: String?
    public var legalAddress: String?
    public var phone: String?
    public var email: String?
    public var website: String?
    public var bankAccount: BankAccount?
    public var director: String?
    public var accountant: String?
    public var logoFileID: Int64?
    public var stampFileID: Int64?
    public var signatureFileID: Int64?

    public init() {}

    /// The pictures a document may show, by the name `<img src="company:…">` gives them.
    public enum Picture: String, CaseIterable, Sendable {
        case logo, stamp, signature
    }

    public func fileID(_ picture: Picture) -> Int64? {
        switch picture {
        case .logo: logoFileID
        case .stamp: stampFileID
        case .signature: signatureFileID
        }
    }

    public mutating func setFileID(_ picture: Picture, _ id: Int64?) {
        switch picture {
        case .logo: logoFileID = id
        case .stamp: stampFileID = id
        case .signature: signatureFileID = id
        }
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case inn, kpp, ogrn, phone, email, website, director, accountant
        case fullName = "full_name", legalAddress = "legal_address", bankAccount = "bank_account"
        case logoFileID = "logo_file_id", stampFileID = "stamp_file_id", signatureFileID = "signature_file_id"
    }
}
