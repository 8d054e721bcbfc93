import RapportDomain
import RapportStore
import SQLKit

/// Duplicate control on create and update: the clients a record looks like, among those the
/// principal may read (others are not shown, so their existence does not leak).
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
                                    middleName: contact.middleName, excluding: contact.id == 0 ? nil : contact.id)
    }

    /// What an update adds that may make a company look like another: a new INN, phones and
    /// e-mails it did not have, a changed name. Nil when it adds none, so a likeness the
    /// record already had does not stand in the way of editing it.
    static func probe(changing before: Company, to after: Company) -> DuplicateStore.Probe? {
        added(probe(before), probe(after))
    }

    static func probe(changing before: Contact, to after: Contact) -> DuplicateStore.Probe? {
        added(probe(before), probe(after))
    }

    static func added(_ before: DuplicateStore.Probe, _ after: DuplicateStore.Probe) -> DuplicateStore.Probe? {
        var probe = after
        probe.inn = after.inn == before.inn ? nil : after.inn
        probe.phones = after.phones.filter { !before.phones.contains($0) }
        probe.emails = after.emails.filter { !before.emails.contains($0) }
        probe.matchKey = after.matchKey == before.matchKey ? nil : after.matchKey
        let empty = probe.inn == nil && probe.phones.isEmpty && probe.emails.isEmpty && probe.matchKey == nil
        return empty ? nil : probe
    }

    static func normalized(_ channels: [ContactChannel], _ kind: ChannelKind) -> [String] {
        channels.filter { $0.kind == kind }.compactMap(\.normalized)
    }

    /// Throws `possibleDuplicates` when readable matches exist.
    static func refuse(_ probe: DuplicateStore.Probe, entity: PermissionEntity, principal: Principal?,
                       on db: any SQLDatabase) async throws {
        let found = try await matches([probe], entity: entity, principal: principal, on: db)[0]
        if !found.isEmpty { throw RapportError.possibleDuplicates(found) }
    }

    /// Each probe's matches among the stored records the principal may read.
    static func matches(_ probes: [DuplicateStore.Probe], entity: PermissionEntity, principal: Principal?,
                        on db: any SQLDatabase) async throws -> [[DuplicateCandidate]] {
        try await DuplicateStore().find(probes, on: db).map { found in
            found.filter { match in
                principal.map { AccessPolicy.allows($0.subject, .read, entity, record: match.ownership) } ?? true
            }.map(\.candidate)
        }
    }
}
