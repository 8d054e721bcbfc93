import RapportDomain
import SQLKit

/// Finds clients that share a tax id, a normalised phone or e-mail, or a name with a new one.
public struct DuplicateStore: Sendable {
    public init() {}

    /// What a new or changed record is compared on.
    public struct Probe: Sendable {
        public var entity: String
        public var inn: String?
        public var phones: [String]
        public var emails: [String]
        public var matchKey: String?
        /// A person's middle name, which tells namesakes apart.
        public var middleName: String?
        /// The record itself, when it is being changed.
        public var excluding: Int64?

        public init(entity: String, inn: String? = nil, phones: [String] = [], emails: [String] = [],
                    matchKey: String? = nil, middleName: String? = nil, excluding: Int64? = nil) {
            self.entity = entity; self.inn = inn; self.phones = phones; self.emails = emails
            self.matchKey = matchKey; self.middleName = middleName; self.excluding = excluding
        }
    }

    /// Matching records (at most `limit`), each with why it matched and who is responsible.
    public func find(_ probe: Probe, limit: Int = 20, on db: any SQLDatabase) async throws
        -> [(candidate: DuplicateCandidate, ownership: RecordOwnership)]
    {
        let table = probe.entity == "company" ? "companies" : "contacts"
        let excluded = probe.excluding ?? 0
        var reasons: [Int64: Set<DuplicateReason>] = [:]
        if probe.entity == "company", let inn = probe.inn {
            for row in try await db.raw("""
                SELECT id FROM companies WHERE inn = \(bind: inn) AND id <> \(bind: excluded) LIMIT \(literal: limit)
                """).all() {
                reasons[try row.decode(column: "id", as: Int64.self), default: []].insert(.taxID)
            }
        }
        if !probe.phones.isEmpty || !probe.emails.isEmpty {
            // Phones and e-mails in one look-up; each value is searched under its own kind.
            let values = probe.phones + probe.emails
            for row in try await db.raw("""
                SELECT DISTINCT entity_id, kind FROM client_channels
                WHERE entity = \(bind: probe.entity) AND kind IN ('phone', 'email') AND normalized IN (\(binds: values))
                  AND entity_id <> \(bind: excluded)
                LIMIT \(literal: limit * 2)
                """).all() {
                let kind = try row.decode(column: "kind", as: String.self)
                let reason: DuplicateReason = kind == "phone" ? .phone : .email
                reasons[try row.decode(column: "entity_id", as: Int64.self), default: []].insert(reason)
            }
        }
        if let key = probe.matchKey {
            for row in try await db.raw("""
                SELECT id FROM \(unsafeRaw: table) WHERE match_key = \(bind: key) AND id <> \(bind: excluded)
                LIMIT \(literal: limit)
                """).all() {
                reasons[try row.decode(column: "id", as: Int64.self), default: []].insert(.name)
            }
        }
        if let key = probe.matchKey {
            let name = Trigrams.Profile(key)
            for candidate in try await SimilarNameStore().candidates(entity: probe.entity, key: .match, like: key,
                                                                       excluding: probe.excluding, limit: 50, on: db)
            where candidate.key != key && !candidate.key.isEmpty && Trigrams.alike(name, Trigrams.Profile(candidate.key)) {
                reasons[candidate.id, default: []].insert(.similarName)
            }
        }
        if probe.entity == "contact" {
            let byNameOnly = reasons.filter { $0.value.isSubset(of: [.name, .similarName]) }.map(\.key)
            for id in try await namesakesToldApart(byNameOnly, from: probe, on: db) { reasons[id] = nil }
        }
        let ids = Array(reasons.keys.sorted().prefix(limit))
        guard !ids.isEmpty else { return [] }
        let nameSQL: SQLQueryString = probe.entity == "company"
            ? "companies.short_name AS name"
            : "TRIM(COALESCE(contacts.last_name, '') || ' ' || contacts.first_name) AS name"
        let rows = try await db.raw("""
            SELECT \(unsafeRaw: table).id, \(nameSQL), \(unsafeRaw: table).owner_id, users.department_id
            FROM \(unsafeRaw: table) LEFT JOIN users ON users.id = \(unsafeRaw: table).owner_id
            WHERE \(unsafeRaw: table).id IN (\(binds: ids)) ORDER BY \(unsafeRaw: table).id
            """).all()
        return try rows.map { row in
            let id = try row.decode(column: "id", as: Int64.self)
            let found = DuplicateReason.allCases.filter { reasons[id]?.contains($0) ?? false }
            return (DuplicateCandidate(entity: probe.entity, id: id, name: try row.decode(column: "name", as: String.self),
                                       reasons: found),
                    RecordOwnership(ownerID: try row.decode(column: "owner_id", as: Int64?.self),
                                    ownerDepartmentID: try row.decode(column: "department_id", as: Int64?.self)))
        }
    }

    /// People whom only their name made look like the probe, but whom something else tells
    /// apart: both have a middle name and they differ, or both have phones (or both e-mails)
    /// and share none. A base of a million people holds dozens of "Иванова Елена"; calling
    /// each a likely duplicate of the next would make duplicate control useless.
    func namesakesToldApart(_ ids: [Int64], from probe: Probe, on db: any SQLDatabase) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        var apart = Set<Int64>()
        if let middle = probe.middleName.flatMap(NameMatch.key) {
            for row in try await db.raw("SELECT id, middle_name FROM contacts WHERE id IN (\(binds: ids))").all() {
                guard let theirs = try row.decode(column: "middle_name", as: String?.self).flatMap(NameMatch.key),
                      theirs != middle
                else { continue }
                apart.insert(try row.decode(column: "id", as: Int64.self))
            }
        }
        var kinds: [String] = []
        if !probe.phones.isEmpty { kinds.append("phone") }
        if !probe.emails.isEmpty { kinds.append("email") }
        if !kinds.isEmpty {
            for row in try await db.raw("""
                SELECT DISTINCT entity_id FROM client_channels
                WHERE entity = 'contact' AND entity_id IN (\(binds: ids)) AND kind IN (\(binds: kinds)) AND normalized IS NOT NULL
                """).all() {
                apart.insert(try row.decode(column: "entity_id", as: Int64.self))
            }
        }
        return apart
    }
}
