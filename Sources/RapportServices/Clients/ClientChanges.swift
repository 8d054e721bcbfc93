import RapportDomain

/// Fields of clients as events show them, so a created, changed or merged record's history
/// reads old → new field by field.
enum ClientChanges {
    static func channels(_ list: [ContactChannel]) -> String {
        list.map { "\($0.kind.rawValue)\($0.type.map { " (\($0))" } ?? ""): \($0.value)" }.joined(separator: "; ")
    }

    static func fields(_ c: Company, _ definitions: [CustomFieldDefinition]) -> [(String, String?)] {
        [
            ("kind", c.kind.rawValue), ("status", c.status.rawValue), ("short_name", c.shortName),
            ("full_name", c.fullName), ("inn", c.inn), ("kpp", c.kpp), ("foreign_tax_id", c.foreignTaxID),
            ("addresses", c.addresses.map { "\($0.kind): \($0.text)" }.joined(separator: "; ")),
            ("bank_account", c.bankAccount.map { [$0.bankName, $0.bik, $0.account, $0.correspondentAccount]
                .compactMap { $0 }.joined(separator: ", ") }),
            ("channels", channels(c.channels)), ("region", c.region), ("time_zone", c.timeZone),
            ("reliability", c.reliability?.rawValue), ("client_class", c.clientClass), ("price_type", c.priceType),
            ("delivery_terms", c.deliveryTerms), ("lead_time_days", c.leadTimeDays.map(String.init)),
            ("advertising_source", c.advertisingSource), ("birthday", c.birthday?.description),
            ("work_started_on", c.workStartedOn?.description), ("owner_id", c.ownerID.map(String.init)),
        ] + custom(c.custom, definitions)
    }

    static func fields(_ c: Contact, _ definitions: [CustomFieldDefinition]) -> [(String, String?)] {
        [
            ("first_name", c.firstName), ("middle_name", c.middleName), ("last_name", c.lastName),
            ("position", c.position), ("channels", channels(c.channels)), ("birthday", c.birthday?.description),
            ("time_zone", c.timeZone), ("region", c.region), ("owner_id", c.ownerID.map(String.init)),
        ] + custom(c.custom, definitions)
    }

    /// `custom.<code>` for every active field (so a cleared value shows as removed) and for
    /// any other value the record holds, as one line of text each.
    static func custom(_ values: CustomValues, _ definitions: [CustomFieldDefinition]) -> [(String, String?)] {
        let byCode = Dictionary(definitions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let codes = Set(values.keys).union(definitions.filter { !$0.archived }.map(\.code)).sorted()
        return codes.map { code in
            ("custom.\(code)", values[code].map { CustomFieldRules.text($0, for: byCode[code]) })
        }
    }

    /// The changes between two versions, or every set field of a new record (`before` nil).
    static func diff(_ before: [(String, String?)]?, _ after: [(String, String?)]) -> [FieldChange] {
        var changes = ChangeSet()
        let old = Dictionary(uniqueKeysWithValues: (before ?? []).map { ($0.0, $0.1) })
        for (field, value) in after {
            if before == nil { changes.set(field, value) } else { changes.compare(field, old[field] ?? nil, value) }
        }
        return changes.changes
    }
}
