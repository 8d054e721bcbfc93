import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Merging two client records into one survivor, field by field, losing nothing: the chosen
/// fields come from the duplicate, channels and addresses are united, people, links and ties
/// move over, the duplicate's last state is kept in its `merged` event, and the survivor's
/// history includes everything that happened to the duplicate.
public struct MergeService: Sendable {
    let env: ServiceEnvironment
    let companies = CompanyStore()
    let contacts = ContactStore()
    let merges = MergeStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// Fields a merge may take from the duplicate (channels and addresses are always united).
    public static let companyFields: Set<String> = [
        "kind", "status", "short_name", "full_name", "inn", "kpp", "foreign_tax_id", "bank_account", "region",
        "time_zone", "reliability", "client_class", "price_type", "delivery_terms", "lead_time_days",
        "advertising_source", "birthday", "work_started_on", "owner_id",
    ]
    public static let contactFields: Set<String> = [
        "first_name", "middle_name", "last_name", "position", "birthday", "time_zone", "region", "owner_id",
    ]

    /// Merges company `duplicateID` into `survivorID`, taking `take` fields from the duplicate.
    public func mergeCompanies(_ survivorID: Int64, duplicate duplicateID: Int64, take: [String],
                               expectedVersion: Int64?, by principal: Principal) async throws -> Company {
        try Self.check(survivorID, duplicateID, take, allowed: Self.companyFields)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let (survivor, duplicate) = try await self.load(.company, survivorID, duplicateID, principal, db) {
                try await self.companies.find(id: $0, on: db)
            } ownership: {
                try await self.companies.ownership(id: $0, on: db)
            }
            try Access.requireVersion(expectedVersion, current: survivor.version)
            let definitions = try await CustomValueChecks.definitions(.company, on: db)
            var after = survivor
            let old = Dictionary(uniqueKeysWithValues: ClientChanges.fields(survivor, definitions).map { ($0.0, $0.1) })
            for field in take { Self.copy(field, from: duplicate, to: &after) }
            after.custom = try Self.unitedCustom(survivor.custom, duplicate.custom, take: take, definitions: definitions)
            after.channels = Self.united(survivor.channels, duplicate.channels)
            after.addresses = survivor.addresses + duplicate.addresses.filter { !survivor.addresses.contains($0) }
            after.updatedAt = now
            guard let version = try await self.companies.update(after, expectedVersion: survivor.version, on: db) else {
                throw RapportError.stale(currentVersion: survivor.version)
            }
            after.version = version
            try await self.finish(.company, survivor: survivorID, duplicate: duplicateID, name: duplicate.shortName,
                                  before: old, after: ClientChanges.fields(after, definitions),
                                  duplicateFields: ClientChanges.fields(duplicate, definitions),
                                  now: now, principal: principal, db)
            try await self.companies.delete(id: duplicateID, on: db)
            try await SearchIndex.company(after, on: db)
            try await SearchIndex.remove("company", duplicateID, on: db)
            return after
        }
    }

    /// Merges contact `duplicateID` into `survivorID`, taking `take` fields from the duplicate.
    public func mergeContacts(_ survivorID: Int64, duplicate duplicateID: Int64, take: [String],
                              expectedVersion: Int64?, by principal: Principal) async throws -> Contact {
        try Self.check(survivorID, duplicateID, take, allowed: Self.contactFields)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let (survivor, duplicate) = try await self.load(.contact, survivorID, duplicateID, principal, db) {
                try await self.contacts.find(id: $0, on: db)
            } ownership: {
                try await self.contacts.ownership(id: $0, on: db)
            }
            try Access.requireVersion(expectedVersion, current: survivor.version)
            let definitions = try await CustomValueChecks.definitions(.contact, on: db)
            var after = survivor
            let old = Dictionary(uniqueKeysWithValues: ClientChanges.fields(survivor, definitions).map { ($0.0, $0.1) })
            for field in take { Self.copy(field, from: duplicate, to: &after) }
            after.custom = try Self.unitedCustom(survivor.custom, duplicate.custom, take: take, definitions: definitions)
            after.channels = Self.united(survivor.channels, duplicate.channels)
            after.updatedAt = now
            guard let version = try await self.contacts.update(after, expectedVersion: survivor.version, on: db) else {
                throw RapportError.stale(currentVersion: survivor.version)
            }
            after.version = version
            try await self.finish(.contact, survivor: survivorID, duplicate: duplicateID, name: duplicate.displayName,
                                  before: old, after: ClientChanges.fields(after, definitions),
                                  duplicateFields: ClientChanges.fields(duplicate, definitions),
                                  now: now, principal: principal, db)
            try await self.contacts.delete(id: duplicateID, on: db)
            try await SearchIndex.contact(after, on: db)
            try await SearchIndex.remove("contact", duplicateID, on: db)
            return after
        }
    }

    static func check(_ survivor: Int64, _ duplicate: Int64, _ take: [String], allowed: Set<String>) throws {
        var v = Validator()
        if survivor == duplicate { v.add("duplicate_id", "merge_self", "a record cannot be merged with itself") }
        for field in take where !allowed.contains(field) && !field.hasPrefix("custom.") {
            v.add("take", "invalid", "\(field) cannot be taken from the duplicate; fields: \(allowed.sorted().joined(separator: ", "))")
        }
        try v.throwIfInvalid()
    }

    /// Both records, readable; the survivor changeable, the duplicate deletable. A duplicate
    /// the principal may not see is "not found" under `duplicate_id`.
    func load<T: Sendable>(_ entity: PermissionEntity, _ survivorID: Int64, _ duplicateID: Int64, _ principal: Principal,
                           _ db: any SQLDatabase, find: (Int64) async throws -> T?,
                           ownership: (Int64) async throws -> RecordOwnership?) async throws -> (T, T) {
        guard let survivorOwnership = try await ownership(survivorID), let survivor = try await find(survivorID) else {
            throw RapportError.notFound(entity: entity.rawValue)
        }
        try Access.require(principal, .update, entity, record: survivorOwnership)
        guard let duplicateOwnership = try await ownership(duplicateID), let duplicate = try await find(duplicateID),
              AccessPolicy.allows(principal.subject, .read, entity, record: duplicateOwnership)
        else { throw RapportError.invalid("duplicate_id", "not_found", "no \(entity.rawValue) with id \(duplicateID)") }
        try Access.require(principal, .delete, entity, record: duplicateOwnership)
        return (survivor, duplicate)
    }

    /// Moves links and ties, writes both events and remembers the merge.
    func finish(_ entity: PermissionEntity, survivor: Int64, duplicate: Int64, name: String, before: [String: String?],
                after: [(String, String?)], duplicateFields: [(String, String?)], now: Date, principal: Principal,
                _ db: any SQLDatabase) async throws {
        try await merges.moveLinks(entity: entity.rawValue, from: duplicate, to: survivor, on: db)
        try await merges.moveRelationships(entity: entity.rawValue, from: duplicate, to: survivor, on: db)
        try await AttachmentStore().move(entity: entity.rawValue, from: duplicate, to: survivor, on: db)
        var changes = ClientChanges.diff(before.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }, after)
        changes.append(FieldChange(field: "merged_from", old: nil, new: "#\(duplicate) \(name)"))
        try await events.record(entity.rawValue, survivor, .merged, changes: changes, by: principal.userID, on: db)
        // The duplicate's last state, whole, so nothing it held is lost.
        var last = duplicateFields.compactMap { field, value in value.map { FieldChange(field: field, old: $0, new: nil) } }
        last.append(FieldChange(field: "merged_into", old: nil, new: "#\(survivor)"))
        try await events.record(entity.rawValue, duplicate, .merged, changes: last, by: principal.userID, on: db)
        try await merges.record(entity: entity.rawValue, survivor: survivor, merged: duplicate, at: now,
                                by: principal.userID, on: db)
    }

    /// The survivor's custom values, with those named `custom.<code>` in `take` from the
    /// duplicate, and the duplicate's values for fields the survivor has no value in.
    static func unitedCustom(_ mine: CustomValues, _ theirs: CustomValues, take: [String],
                             definitions: [CustomFieldDefinition]) throws -> CustomValues {
        let codes = Set(definitions.map(\.code))
        var result = mine
        for (code, value) in theirs where result[code] == nil { result[code] = value }
        var v = Validator()
        for field in take where field.hasPrefix("custom.") {
            let code = String(field.dropFirst("custom.".count))
            guard codes.contains(code) else {
                v.add("take", "invalid", "\(field) is not a custom field of this record")
                continue
            }
            result[code] = theirs[code]
        }
        try v.throwIfInvalid()
        return result
    }

    /// The survivor's channels, then the duplicate's ones it does not have yet.
    static func united(_ mine: [ContactChannel], _ theirs: [ContactChannel]) -> [ContactChannel] {
        func key(_ c: ContactChannel) -> String { "\(c.kind.rawValue):\(c.normalized ?? c.value)" }
        let known = Set(mine.map(key))
        return mine + theirs.filter { !known.contains(key($0)) }
    }

    static func copy(_ field: String, from d: Company, to c: inout Company) {
        switch field {
        case "kind": c.kind = d.kind
        case "status": c.status = d.status
        case "short_name": c.shortName = d.shortName
        case "full_name": c.fullName = d.fullName
        case "inn": c.inn = d.inn
        case "kpp": c.kpp = d.kpp
        case "foreign_tax_id": c.foreignTaxID = d.foreignTaxID
        case "bank_account": c.bankAccount = d.bankAccount
        case "region": c.region = d.region
        case "time_zone": c.timeZone = d.timeZone
        case "reliability": c.reliability = d.reliability
        case "client_class": c.clientClass = d.clientClass
        case "price_type": c.priceType = d.priceType
        case "delivery_terms": c.deliveryTerms = d.deliveryTerms
        case "lead_time_days": c.leadTimeDays = d.leadTimeDays
        case "advertising_source": c.advertisingSource = d.advertisingSource
        case "birthday": c.birthday = d.birthday
        case "work_started_on": c.workStartedOn = d.workStartedOn
        case "owner_id": c.ownerID = d.ownerID
        default: break
        }
    }

    static func copy(_ field: String, from d: Contact, to c: inout Contact) {
        switch field {
        case "first_name": c.firstName = d.firstName
        case "middle_name": c.middleName = d.middleName
        case "last_name": c.lastName = d.lastName
        case "position": c.position = d.position
        case "birthday": c.birthday = d.birthday
        case "time_zone": c.timeZone = d.timeZone
        case "region": c.region = d.region
        case "owner_id": c.ownerID = d.ownerID
        default: break
        }
    }
}
