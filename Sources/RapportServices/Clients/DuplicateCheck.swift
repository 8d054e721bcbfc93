import RapportDomain
import RapportStore
import SQLKit

/// Duplicate control on create: the clients a new one looks like, among those the principal
/// may read (others are not shown, so their existence does not leak).
enum DuplicateCheck {
    static func probe(_ company: Company) -> DuplicateStore.Probe {
        DuplicateStore.Probe(entity: "company", inn: company.inn, phones: normalized(company.channels, .phone),
                             emails: normalized(company.channels, .email), matchKey: NameMatch.key(company.shortName),
                             excluding: company.id == 0 ? nil : company.id)
    }

    static func probe(_ contact: Contact) -> DuplicateStore.Probe {
        let key = contact.lastName.flatMap { $0.isEmpty ? nil : NameMatch.key("\($0) \(contact.firstName)") }
        return DuplicateStore.Probe(entity: "contact", phones: normalized(contact.channels, .phone),
                                    emails: normalized(contact.channels, .email), matchKey: key,
                                    excluding: contact.id == 0 ? nil : contact.id)
    }

    static func normalized(_ channels: [ContactChannel], _ kind: ChannelKind) -> [String] {
        channels.filter { $0.kind == kind }.compactMap(\.normalized)
    }

    /// Throws `possibleDuplicates` when readable matches exist.
    static func refuse(_ probe: DuplicateStore.Probe, entity: PermissionEntity, principal: Principal?,
                       on db: any SQLDatabase) async throws {
        let found = try await DuplicateStore().find(probe, on: db).filter { match in
            principal.map { AccessPolicy.allows($0.subject, .read, entity, record: match.ownership) } ?? true
        }
        if !found.isEmpty { throw RapportError.possibleDuplicates(found.map(\.candidate)) }
    }
}
