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

    /// A match: the candidate with why it matched, and who is responsible for it.
    public typealias Match = (candidate: DuplicateCandidate, ownership: RecordOwnership)

    /// Matching records (at most `limit`), each with why it matched and who is responsible.
    public func find(_ probe: Probe, limit: Int = 20, on db: any SQLDatabase) async throws -> [Match] {
        try await find([probe], limit: limit, on: db)[0]
    }

    /// `find` for many probes of one entity at once, in a handful of statements (on SQLite
    /// also one alike-name query per probe without a phone): an import checks a batch of rows
    /// this way. The probes are compared with the stored records only, not with each other.
    public func find(_ probes: [Probe], limit: Int = 20, on db: any SQLDatabase) async throws -> [[Match]] {
        guard let entity = probes.first?.entity else { return [] }
        precondition(probes.allSatisfy { $0.entity == entity }, "probes of one entity")
        let table = entity == "company" ? "companies" : "contacts"
        var reasons = [[Int64: Set<DuplicateReason>]](repeating: [:], count: probes.count)
        func add(_ ids: [Int64], _ reason: DuplicateReason, to index: Int) {
            for id in ids where id != probes[index].excluding { reasons[index][id, default: []].insert(reason) }
        }
        // Each value's records in id order, a few more than `limit` (one may be the probe itself).
        let cap = limit + 1
        let inns = Set(probes.compactMap(\.inn))
        if entity == "company", !inns.isEmpty {
            let byINN = try await idsByValue("SELECT id, inn AS value FROM companies WHERE inn IN (\(binds: Array(inns)))",
                                             cap: cap, on: db)
            for (index, probe) in probes.enumerated() { add(probe.inn.flatMap { byINN[$0] } ?? [], .taxID, to: index) }
        }
        let channels = Set(probes.flatMap { $0.phones.map { "phone:\($0)" } + $0.emails.map { "email:\($0)" } })
        if !channels.isEmpty {
            // Each value is searched under its own kind.
            let values = Set(probes.flatMap { $0.phones + $0.emails })
            let byChannel = try await idsByValue("""
                SELECT DISTINCT entity_id AS id, kind || ':' || normalized AS value FROM client_channels
                WHERE entity = \(bind: entity) AND kind IN ('phone', 'email') AND normalized IN (\(binds: Array(values)))
                """, cap: cap, on: db)
            for (index, probe) in probes.enumerated() {
                for phone in probe.phones { add(byChannel["phone:\(phone)"] ?? [], .phone, to: index) }
                for email in probe.emails { add(byChannel["email:\(email)"] ?? [], .email, to: index) }
            }
        }
        // A person with a phone can be a duplicate by name only of one without (see
        // `namesakesToldApart` and migrations 21–22); such probes read only those names.
        let hasPhone = probes.map { $0.entity == "contact" && !$0.phones.isEmpty }
        for onlyPhoneless in [false, true] {
            let keys = Set(probes.indices.filter { hasPhone[$0] == onlyPhoneless }.compactMap { probes[$0].matchKey })
            guard !keys.isEmpty else { continue }
            let byKey = try await idsByValue("""
                SELECT id, match_key AS value FROM \(unsafeRaw: table) WHERE match_key IN (\(binds: Array(keys)))
                \(unsafeRaw: onlyPhoneless ? "AND has_phone = 0" : "")
                """, cap: cap, on: db)
            for (index, probe) in probes.enumerated() where hasPhone[index] == onlyPhoneless {
                add(probe.matchKey.flatMap { byKey[$0] } ?? [], .name, to: index)
            }
        }
        // The probes of a batch meet the same common names again and again: each is cut once.
        var profiles: [String: Trigrams.Profile] = [:]
        func profile(_ key: String) -> Trigrams.Profile {
            if let known = profiles[key] { return known }
            let made = Trigrams.Profile(key)
            profiles[key] = made
            return made
        }
        let alikeFound = try await alikeCandidates(probes, hasPhone: hasPhone, on: db)
        for (index, candidates) in alikeFound.enumerated() where !candidates.isEmpty {
            let key = probes[index].matchKey!
            let name = profile(key)
            var seen = Set<Int64>()
            let alike = candidates.filter {
                seen.insert($0.id).inserted && $0.key != key && !$0.key.isEmpty && Trigrams.alike(name, profile($0.key))
            }
            add(alike.map(\.id), .similarName, to: index)
        }
        if entity == "contact" {
            let byNameOnly = reasons.map { found in found.filter { $0.value.isSubset(of: [.name, .similarName]) }.map(\.key) }
            let apart = try await namesakesToldApart(byNameOnly, from: probes, on: db)
            for index in probes.indices { for id in apart[index] { reasons[index][id] = nil } }
        }
        let chosen = reasons.map { Array($0.keys.sorted().prefix(limit)) }
        let all = Set(chosen.joined())
        guard !all.isEmpty else { return probes.map { _ in [] } }
        let nameSQL: SQLQueryString = entity == "company"
            ? "companies.short_name AS name"
            : "TRIM(COALESCE(contacts.last_name, '') || ' ' || contacts.first_name) AS name"
        var known: [Int64: (name: String, key: String?, ownership: RecordOwnership)] = [:]
        for row in try await db.raw("""
            SELECT \(unsafeRaw: table).id, \(nameSQL), \(unsafeRaw: table).match_key, \(unsafeRaw: table).owner_id,
                users.department_id
            FROM \(unsafeRaw: table) LEFT JOIN users ON users.id = \(unsafeRaw: table).owner_id
            WHERE \(unsafeRaw: table).id IN (\(binds: Array(all)))
            """).all() {
            known[try row.decode(column: "id", as: Int64.self)] = (
                try row.decode(column: "name", as: String.self), try row.decode(column: "match_key", as: String?.self),
                RecordOwnership(ownerID: try row.decode(column: "owner_id", as: Int64?.self),
                                ownerDepartmentID: try row.decode(column: "department_id", as: Int64?.self)))
        }
        return chosen.enumerated().map { index, ids in
            ids.compactMap { id in
                known[id].map { found in
                    var why = reasons[index][id] ?? []
                    // A match found otherwise (a phone, an e-mail) whose name is also the same or
                    // alike says so, also when the name queries did not read it (a probe with a phone).
                    if let mine = probes[index].matchKey, let theirs = found.key, !theirs.isEmpty {
                        if mine == theirs { why.insert(.name) } else if Trigrams.alike(mine, theirs) { why.insert(.similarName) }
                    }
                    return (DuplicateCandidate(entity: entity, id: id, name: found.name,
                                               reasons: DuplicateReason.allCases.filter { why.contains($0) }),
                            found.ownership)
                }
            }
        }
    }

    /// The probes that share a tax id, a phone or an e-mail with another probe of the list, or
    /// whose name is the same as another's or alike as the alike-name query would find it
    /// (unless the two are namesakes told apart): `find` compares probes with the stored
    /// records only, so these must be checked one by one.
    public static func entangled(_ probes: [Probe]) -> Set<Int> {
        var owners: [String: [Int]] = [:]
        for (index, probe) in probes.enumerated() {
            let values = [probe.inn.map { "inn:\($0)" }].compactMap { $0 }
                + probe.phones.map { "phone:\($0)" } + probe.emails.map { "email:\($0)" }
            for value in Set(values) { owners[value, default: []].append(index) }
        }
        var found = Set(owners.values.filter { $0.count > 1 }.joined())
        struct Name {
            var index: Int, key: String, bytes: [UInt8], test: SimilarNameStore.PieceTest?, profile: Trigrams.Profile
            /// Whether the alike-name query by runs for `self` would offer `other`.
            func finds(_ other: Name) -> Bool { test?.passes(other.bytes) ?? false }
        }
        let named = probes.enumerated().compactMap { index, probe in
            probe.matchKey.map {
                Name(index: index, key: $0, bytes: Array($0.utf8), test: SimilarNameStore.pieces($0).map(SimilarNameStore.PieceTest.init),
                     profile: Trigrams.Profile($0))
            }
        }
        // Names that share a variant (as the query by variants finds them), by position in `named`;
        // keyed by UTF-8 bytes, which hash without the Unicode normalisation a `String` key costs.
        var sharing = Set<[Int]>()
        var byVariant: [[UInt8]: [Int]] = [:]
        for (position, name) in named.enumerated() {
            for variant in NameVariants.of(name.key) { byVariant[Array(variant.utf8), default: []].append(position) }
        }
        for positions in byVariant.values where positions.count > 1 {
            for (offset, a) in positions.enumerated() { for b in positions[(offset + 1)...] where a != b { sharing.insert([a, b]) } }
        }
        for (position, a) in named.enumerated() {
            for (offset, b) in named[(position + 1)...].enumerated() where !(found.contains(a.index) && found.contains(b.index)) {
                let near = a.finds(b) || b.finds(a) || sharing.contains([position, position + 1 + offset])
                let sameName = a.key == b.key || (near && Trigrams.alike(a.profile, b.profile))
                let people = probes[a.index].entity == "contact"
                if sameName && !(people && Self.toldApart(Self.namesake(probes[a.index]), Self.namesake(probes[b.index]))) {
                    found.formUnion([a.index, b.index])
                }
            }
        }
        return found
    }

    /// Each probe's names that may be alike (`Trigrams.alike` decides): for a person with a
    /// phone, the people without one whose names share a variant with theirs (migration 22);
    /// for anyone else, the "two of three runs" candidates (`SimilarNameStore`).
    func alikeCandidates(_ probes: [Probe], hasPhone: [Bool], on db: any SQLDatabase) async throws
        -> [[(id: Int64, key: String)]]
    {
        var found = [[(id: Int64, key: String)]](repeating: [], count: probes.count)
        // Each variant is asked for with the probe's own key, so its namesakes (found by the
        // exact name already, and sharing every variant) are left out by the database.
        var byKey: [String: [Int]] = [:]
        var wanted: [(variant: String, key: String)] = []
        for index in probes.indices where hasPhone[index] {
            guard let key = probes[index].matchKey else { continue }
            if byKey[key] == nil { wanted += NameVariants.of(key).sorted().map { ($0, key) } }
            byKey[key, default: []].append(index)
        }
        for start in stride(from: 0, to: wanted.count, by: 5_000) {
            let pairs = wanted[start..<min(start + 5_000, wanted.count)]
                .map { pair -> SQLQueryString in "(\(bind: pair.variant), \(bind: pair.key))" }
            for row in try await db.raw("""
                WITH wanted (variant, probe_key) AS (VALUES \(pairs.joined(separator: ", ")))
                SELECT DISTINCT wanted.probe_key, name_variants.contact_id, name_variants.match_key
                FROM wanted JOIN name_variants ON name_variants.variant = wanted.variant
                    AND name_variants.match_key <> wanted.probe_key
                """).all() {
                let candidate = (id: try row.decode(column: "contact_id", as: Int64.self),
                                 key: try row.decode(column: "match_key", as: String.self))
                for index in byKey[try row.decode(column: "probe_key", as: String.self)] ?? [] { found[index].append(candidate) }
            }
        }
        let byRuns = probes.indices.filter { !hasPhone[$0] && probes[$0].matchKey != nil }
        if let entity = probes.first?.entity, !byRuns.isEmpty {
            let candidates = try await SimilarNameStore().candidates(entity: entity, key: .match,
                                                                     like: byRuns.map { probes[$0].matchKey! },
                                                                     excluding: byRuns.map { probes[$0].excluding }, limit: 50,
                                                                     on: db)
            for (index, list) in zip(byRuns, candidates) { found[index] = list }
        }
        return found
    }

    /// The ids (`id`) a query finds per `value`, in id order, at most `cap` each.
    func idsByValue(_ query: SQLQueryString, cap: Int, on db: any SQLDatabase) async throws -> [String: [Int64]] {
        var found: [String: [Int64]] = [:]
        for row in try await db.raw(query).all() {
            found[try row.decode(column: "value", as: String.self), default: []].append(try row.decode(column: "id", as: Int64.self))
        }
        return found.mapValues { Array($0.sorted().prefix(cap)) }
    }

    /// People whom only their name made look like a probe, but whom something else tells
    /// apart: both have a middle name and they differ, or both have phones (or both e-mails)
    /// and share none. A base of a million people holds dozens of "Иванова Елена"; calling
    /// each a likely duplicate of the next would make duplicate control useless. `ids[i]` are
    /// probe `i`'s name-only matches; the answer is, per probe, those told apart.
    func namesakesToldApart(_ ids: [[Int64]], from probes: [Probe], on db: any SQLDatabase) async throws -> [Set<Int64>] {
        let all = Array(Set(ids.joined()))
        guard !all.isEmpty else { return ids.map { _ in [] } }
        var middles: [Int64: String] = [:]
        if probes.contains(where: { $0.middleName.flatMap(NameMatch.key) != nil }) {
            for row in try await db.raw("SELECT id, middle_name FROM contacts WHERE id IN (\(binds: all))").all() {
                if let middle = try row.decode(column: "middle_name", as: String?.self).flatMap(NameMatch.key) {
                    middles[try row.decode(column: "id", as: Int64.self)] = middle
                }
            }
        }
        var withPhones = Set<Int64>(), withEmails = Set<Int64>()
        if probes.contains(where: { !$0.phones.isEmpty || !$0.emails.isEmpty }) {
            for row in try await db.raw("""
                SELECT DISTINCT entity_id, kind FROM client_channels
                WHERE entity = 'contact' AND entity_id IN (\(binds: all)) AND kind IN ('phone', 'email') AND normalized IS NOT NULL
                """).all() {
                let id = try row.decode(column: "entity_id", as: Int64.self)
                if try row.decode(column: "kind", as: String.self) == "phone" { withPhones.insert(id) } else { withEmails.insert(id) }
            }
        }
        return zip(ids, probes).map { ids, probe in
            Set(ids.filter { id in
                Self.toldApart(Self.namesake(probe),
                               Namesake(middle: middles[id], hasPhone: withPhones.contains(id), hasEmail: withEmails.contains(id)))
            })
        }
    }

    /// What tells two people of alike names apart (`namesakesToldApart`).
    struct Namesake {
        var middle: String?
        var hasPhone: Bool
        var hasEmail: Bool
    }

    static func namesake(_ probe: Probe) -> Namesake {
        Namesake(middle: probe.middleName.flatMap(NameMatch.key), hasPhone: !probe.phones.isEmpty, hasEmail: !probe.emails.isEmpty)
    }

    /// Both have a middle name and they differ, or both have phones (or both e-mails): a phone or
    /// an e-mail they share is a match of its own, so by name alone they are two people.
    static func toldApart(_ a: Namesake, _ b: Namesake) -> Bool {
        if let left = a.middle, let right = b.middle, left != right { return true }
        return (a.hasPhone && b.hasPhone) || (a.hasEmail && b.hasEmail)
    }
}
