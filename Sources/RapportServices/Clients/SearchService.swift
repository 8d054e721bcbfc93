import RapportDomain
import RapportStore
import SQLKit

/// The global search: companies and contacts by name, INN, phone in any format, e-mail —
/// only those the principal may read.
public struct SearchService: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public struct Hit: Sendable, Equatable {
        public var entity: String
        public var id: Int64
        public var name: String
        /// A second line: the INN of a company, the position of a person.
        public var detail: String?
    }

    /// At most `limit` hits, best first.
    public func search(_ text: String, limit: Int = 20, by principal: Principal) async throws -> [Hit] {
        var v = Validator()
        if text.count > 200 { v.add("q", "too_long", "q must be at most 200 characters") }
        try v.throwIfInvalid()
        let words = SearchText.query(text)
        guard !words.isEmpty else { return [] }
        return try await env.database.read { db in
            let store = SearchStore()
            var found: [(entity: String, id: Int64)]
            let typed = text.trimmingCharacters(in: .whitespaces).lowercased()
            if typed.contains("@") && !typed.hasPrefix("@") {  // "@mail.ru" looks for a domain: full text
                found = try await store.find(emailPrefix: typed, limit: 200, on: db)
            } else {
                // Digits (a phone, an INN) have no better or worse match: the first ones found will do.
                let ranked = words.contains { $0.contains(where: \.isLetter) }
                found = try await store.find(words: words, ranked: ranked, limit: 200, on: db)
            }
            // A typo finds no exact words at all; only then is it worth looking for alike names.
            if found.isEmpty {
                found = try await Self.alike(words.joined(separator: " "), principal: principal, db)
            }
            let summaries = try await store.summaries(found, on: db)
            var hits: [Hit] = []
            for (entity, id) in found where hits.count < limit {
                guard let permission = entity == "company" ? PermissionEntity.company : entity == "contact" ? .contact : nil,
                      let summary = summaries[entity]?[id],
                      AccessPolicy.allows(principal.subject, .read, permission, record: summary.ownership)
                else { continue }
                hits.append(Hit(entity: entity, id: id, name: summary.name, detail: summary.detail))
            }
            return hits
        }
    }

    /// Names that are alike the typed words (a typo, a letter missing), best first: offered
    /// when the exact words found nothing.
    static func alike(_ text: String, principal: Principal, _ db: any SQLDatabase) async throws
        -> [(entity: String, id: Int64)]
    {
        guard text.count >= 3 else { return [] }
        var scored: [(entity: String, id: Int64, score: Double)] = []
        for (entity, permission) in [("company", PermissionEntity.company), ("contact", .contact)]
        where principal.may(.read, permission) {
            for candidate in try await SimilarNameStore().candidates(entity: entity, key: .name, like: text, limit: 50, on: db) {
                let score = Trigrams.wordSimilarity(text, in: candidate.key)
                if score >= Trigrams.searchThreshold { scored.append((entity, candidate.id, score)) }
            }
        }
        return scored.sorted { ($0.score, $1.id) > ($1.score, $0.id) }.map { ($0.entity, $0.id) }
    }
}
