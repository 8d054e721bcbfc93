/// What a company is to us (P2).
public enum CompanyKind: String, CaseIterable, Codable, Sendable {
    case client, supplier, competitor, dealer, carrier, partner
}

/// Whether a client has bought yet.
public enum ClientStatus: String, CaseIterable, Codable, Sendable {
    case prospect, active
}

/// How far a counterparty can be trusted (payments, terms).
public enum Reliability: String, CaseIterable, Codable, Sendable {
    case high, medium, low
}

/// The kinds of contact channel a company or person has, several of each.
public enum ChannelKind: String, CaseIterable, Codable, Sendable {
    case phone, email, messenger, website
}
