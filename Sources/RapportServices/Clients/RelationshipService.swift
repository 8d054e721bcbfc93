import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Ties between companies and between people, shown on both cards.
public struct RelationshipService: Sendable {
    let env: ServiceEnvironment
    let relationships = RelationshipStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// One tie as seen from a record: the other side and how it is tied.
    public struct Tie: Sendable, Equatable {
        public var relationship: Relationship
        public var otherID: Int64
        public var otherName: String
    }

    /// The ties of a company or contact; ties to records the principal may not read are left out.
    public func list(_ entity: PermissionEntity, _ id: Int64, by principal: Principal) async throws -> [Tie] {
        try await env.database.read { db in
            try await self.require(.read, entity, id, principal, db)
            return try await self.ties(entity, id, principal, db)
        }
    }

    /// The ties of a record the caller has read.
    public func list(_ record: ReadableRecord, by principal: Principal) async throws -> [Tie] {
        try await env.database.read { db in try await self.ties(record.entity, record.id, principal, db) }
    }

    /// The ties of a record, the other sides named and checked in one read.
    private func ties(_ entity: PermissionEntity, _ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws
        -> [Tie]
    {
        let rows = try await relationships.list(entity: entity.rawValue, id: id, on: db)
        guard !rows.isEmpty else { return [] }
        let others = rows.map { $0.fromID == id ? $0.toID : $0.fromID }
        let summaries = try await SearchStore().summaries(others.map { (entity.rawValue, $0) }, on: db)[entity.rawValue] ?? [:]
        return zip(rows, others).compactMap { r, other in
            guard let summary = summaries[other],
                  AccessPolicy.allows(principal.subject, .read, entity, record: summary.ownership)
            else { return nil }
            return Tie(relationship: r, otherID: other, otherName: summary.name)
        }
    }

    /// Ties `id` to `otherID`. Needs the right to change `id` and to read `otherID`.
    public func add(_ entity: PermissionEntity, _ id: Int64, to otherID: Int64, kind: String?, note: String?,
                    by principal: Principal) async throws -> Relationship {
        var v = Validator()
        let kind = v.requireText(kind, field: "kind", maxLength: 50)
        if !kind.isEmpty, !Relationship.kinds(for: entity.rawValue).contains(kind) {
            v.add("kind", "invalid", "kind must be one of \(Relationship.kinds(for: entity.rawValue).joined(separator: ", "))")
        }
        let note = v.optionalText(note, field: "note", maxLength: 500)
        if otherID == id { v.add("to_id", "self", "a record cannot be tied to itself") }
        try v.throwIfInvalid()
        let now = env.clock.now()
        return try await env.database.transaction { db in
            try await self.require(.update, entity, id, principal, db)
            guard let ownership = try await Self.ownership(entity, otherID, db),
                  AccessPolicy.allows(principal.subject, .read, entity, record: ownership)
            else { throw RapportError.invalid("to_id", "not_found", "no \(entity.rawValue) with id \(otherID)") }
            var relationship = Relationship(entity: entity.rawValue, fromID: id, toID: otherID, kind: kind, note: note)
            if try await self.relationships.exists(relationship, on: db) {
                throw RapportError.conflict("these records are already tied this way")
            }
            relationship.id = try await self.relationships.insert(relationship, at: now, by: principal.userID, on: db)
            for (record, other) in [(id, otherID), (otherID, id)] {
                let otherName = try await Self.name(entity, other, db)
                try await self.events.record(entity.rawValue, record, .updated,
                                             changes: [FieldChange(field: "relationships", old: nil,
                                                                   new: "\(kind): \(otherName)\(note.map { " (\($0))" } ?? "")")],
                                             by: principal.userID, on: db)
            }
            return relationship
        }
    }

    /// Removes a tie of the record `id`; needs the right to change that record.
    public func remove(_ entity: PermissionEntity, _ id: Int64, relationship relationshipID: Int64,
                       by principal: Principal) async throws {
        try await env.database.transaction { db in
            try await self.require(.update, entity, id, principal, db)
            guard let r = try await self.relationships.find(id: relationshipID, on: db), r.entity == entity.rawValue,
                  r.fromID == id || r.toID == id
            else { throw RapportError.notFound(entity: "relationship") }
            try await self.relationships.delete(id: relationshipID, on: db)
            for (record, other) in [(r.fromID, r.toID), (r.toID, r.fromID)] {
                let otherName = try await Self.name(entity, other, db)
                try await self.events.record(entity.rawValue, record, .updated,
                                             changes: [FieldChange(field: "relationships", old: "\(r.kind): \(otherName)", new: nil)],
                                             by: principal.userID, on: db)
            }
        }
    }

    func require(_ action: PermissionAction, _ entity: PermissionEntity, _ id: Int64, _ principal: Principal,
                 _ db: any SQLDatabase) async throws {
        guard let ownership = try await Self.ownership(entity, id, db) else {
            throw RapportError.notFound(entity: entity.rawValue)
        }
        try Access.require(principal, action, entity, record: ownership)
    }

    static func ownership(_ entity: PermissionEntity, _ id: Int64, _ db: any SQLDatabase) async throws -> RecordOwnership? {
        entity == .company ? try await CompanyStore().ownership(id: id, on: db) : try await ContactStore().ownership(id: id, on: db)
    }

    static func name(_ entity: PermissionEntity, _ id: Int64, _ db: any SQLDatabase) async throws -> String {
        if entity == .company { return try await CompanyStore().find(id: id, on: db)?.shortName ?? "#\(id)" }
        return try await ContactStore().find(id: id, on: db)?.displayName ?? "#\(id)"
    }
}
