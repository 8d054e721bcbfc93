import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What leads and deals do differently in the operations they share: their table, their
/// fields as sent, their history.
protocol PipelineRecordKind: Sendable {
    associatedtype Record: PipelineRecord
    associatedtype Input: Sendable & Equatable

    func find(_ id: Int64, on db: any SQLDatabase) async throws -> Record?
    /// The record with whose it is, in one statement.
    func findOwned(_ id: Int64, on db: any SQLDatabase) async throws -> (Record, RecordOwnership)?
    func find(ids: [Int64], on db: any SQLDatabase) async throws -> [Record]
    /// Saves the fields (not the place) when the version is still `expectedVersion`; the new version or nil.
    func update(_ record: Record, expectedVersion: Int64, on db: any SQLDatabase) async throws -> Int64?
    func delete(_ id: Int64, on db: any SQLDatabase) async throws
    /// Applies the input, naming each mistake; the line items when the input has them.
    func apply(_ input: Input, to record: inout Record, creating: Bool, principal: Principal?, _ db: any SQLDatabase,
               _ v: inout Validator) async throws -> [LineItem]?
    /// The pipeline and stage an input names (only creating may).
    func place(of input: Input) -> (pipelineID: Int64?, stageID: Int64?)
    func isEmpty(_ input: Input) -> Bool
    /// An input that sets the amount and the preliminary price.
    func priceInput(amount: MoneyText, preliminary: MoneyText?) -> Input
    /// After an input was applied to `before`, giving `after` (e.g. a title that follows the name).
    func adjust(_ after: inout Record, before: Record, input: Input)
    /// What the history shows, in the API's field names.
    func fields(_ record: Record) -> [(String, String?)]
}

extension PipelineRecordKind {
    func adjust(_ after: inout Record, before: Record, input: Input) {}
}

/// A lead or deal with what its card shows.
public struct PipelineRecordCard<Record: PipelineRecord>: Sendable {
    public var record: Record
    public var lineItems: [LineItem]
    public var pipeline: Pipeline
    public var visits: [StageVisit]
}

/// The operations leads and deals share — reading within the role's scope, changing, moving
/// (with the quick-fill's changes saved in the move's transaction), deleting — written once.
struct PipelineRecordOperations<Kind: PipelineRecordKind>: Sendable {
    let env: ServiceEnvironment
    let kind: Kind
    let moves: StageMoves
    let events: EventRecorder

    init(env: ServiceEnvironment, kind: Kind) {
        self.env = env
        self.kind = kind
        self.moves = StageMoves(env: env)
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    var entity: PipelineEntity { Kind.Record.entity }

    func card(_ id: Int64, by principal: Principal) async throws -> PipelineRecordCard<Kind.Record> {
        try await env.database.read { db in
            let record = try await self.readable(id, principal, db)
            return PipelineRecordCard(record: record, lineItems: try await LineItemStore().items(self.entity, recordID: id, on: db),
                                      pipeline: try await PipelineStore().find(id: record.place.pipelineID, on: db)
                                          ?? Pipeline(entity: self.entity, name: ""),
                                      visits: try await StagePlaceStore().visits(self.entity, recordID: id, on: db))
        }
    }

    func list(_ query: PipelineRecordQuery, page: PageRequest, by principal: Principal) async throws -> Page<Kind.Record> {
        try Access.requireAny(principal, .read, entity.permission)
        return try await env.database.read { db in
            let (ids, next) = try await PipelineListStore().ids(self.entity, query, scope: principal.scope(self.entity.permission, .read),
                                                                subject: principal.subject, page: page, on: db)
            return Page(items: try await self.kind.find(ids: ids, on: db), nextCursor: next)
        }
    }

    func history(_ id: Int64, page: PageRequest, by principal: Principal) async throws -> Page<Event> {
        try await env.database.read { db in
            _ = try await self.readable(id, principal, db)
            return try await EventStore().list(.init(entity: self.entity.rawValue, entityID: id), scope: .all,
                                               subject: principal.subject, page: page, on: db)
        }
    }

    func update(_ id: Int64, _ input: Kind.Input, expectedVersion: Int64?, by principal: Principal) async throws -> Kind.Record {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.changeable(id, principal, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            return try await self.save(input, to: before, principal: principal, now: now, db)
        }
    }

    /// The final price (after the measurement): the amount becomes it, and the amount it had —
    /// the preliminary price — is kept apart the first time. Refused while line items make the
    /// amount (they are changed instead).
    func setFinalPrice(_ id: Int64, amount: MoneyText?, expectedVersion: Int64?, by principal: Principal) async throws
        -> Kind.Record
    {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.changeable(id, principal, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            guard let amount, !amount.text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw RapportError.invalid("amount", "required", "amount is required")
            }
            guard try await LineItemStore().items(self.entity, recordID: id, on: db).isEmpty else {
                throw RapportError.conflict("the amount follows the line items: change them instead")
            }
            let preliminary = before.preliminaryAmount == nil
                ? before.amount.map { MoneyText(MinorUnits.text($0, digits: MinorUnits.digits(before.currency))) } : nil
            return try await self.save(self.kind.priceInput(amount: amount, preliminary: preliminary), to: before,
                                       principal: principal, now: now, db)
        }
    }

    /// Moves the record to a stage (a lost stage wants `reasonID`), first saving `changes` — the
    /// board's quick-fill of what the gate asked for. Refused, nothing is saved and the refusal
    /// lists everything in the way.
    ///
    /// Without changes the move is decided on a reading connection and only written in the
    /// transaction (on SQLite the one writer is held for the writes alone); if someone changed
    /// the record in between, it is decided again (or, with `expectedVersion`, refused as stale).
    func move(_ id: Int64, to stageID: Int64, reasonID: Int64?, changes: Kind.Input?, expectedVersion: Int64?,
              by principal: Principal) async throws -> Kind.Record {
        if changes.map(kind.isEmpty) ?? true {
            var attempt = 0
            while true {
                let now = env.clock.now()
                let (record, plan) = try await env.database.read { db in
                    let record = try await self.changeable(id, principal, db)
                    try Access.requireVersion(expectedVersion, current: record.version)
                    return (record, try await self.moves.plan(record, to: stageID, reasonID: reasonID, now: now, db))
                }
                guard let plan else { return record }
                do {
                    return try await env.database.transaction { db in
                        try await self.moves.write(plan, by: principal.userID, now: now, db)
                    }
                } catch RapportError.stale(let current) {
                    attempt += 1
                    if expectedVersion != nil || attempt >= 3 { throw RapportError.stale(currentVersion: current) }
                }
            }
        }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var record = try await self.changeable(id, principal, db)
            try Access.requireVersion(expectedVersion, current: record.version)
            if let changes, !self.kind.isEmpty(changes) {
                let place = self.kind.place(of: changes)
                if place.pipelineID != nil || place.stageID != nil {
                    throw RapportError.invalid("changes.stage_id", "not_allowed", "the stage is the move's own stage_id")
                }
                record = try await self.save(changes, to: record, principal: principal, now: now, db)
            }
            return try await self.moves.move(record, to: stageID, reasonID: reasonID, by: principal.userID, now: now, db)
        }
    }

    func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try await env.database.transaction { db in
            guard let (record, ownership) = try await self.kind.findOwned(id, on: db),
                  AccessPolicy.allows(principal.subject, .read, self.entity.permission, record: ownership)
            else { throw RapportError.notFound(entity: self.entity.rawValue) }
            try Access.require(principal, .delete, self.entity.permission, record: ownership)
            try Access.requireVersion(expectedVersion, current: record.version)
            try await self.kind.delete(id, on: db)
            try await AttachmentService.removeAll(of: self.entity.rawValue, id, files: self.env.files, on: db)
            try await self.events.record(self.entity.rawValue, id, .deleted,
                                         changes: PipelineRecordRules.changes(self.kind.fields(record), []), by: principal.userID, on: db)
        }
    }

    /// The record, when the principal may read it; "not found" otherwise.
    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Kind.Record {
        guard let (record, ownership) = try await kind.findOwned(id, on: db),
              AccessPolicy.allows(principal.subject, .read, entity.permission, record: ownership)
        else { throw RapportError.notFound(entity: entity.rawValue) }
        return record
    }

    /// The record, when the principal may change it: "not found" when they may not read it,
    /// "forbidden" when they may read but not change it (its responsible is looked up once).
    func changeable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> Kind.Record {
        guard let (record, ownership) = try await kind.findOwned(id, on: db) else {
            throw RapportError.notFound(entity: entity.rawValue)
        }
        try Access.require(principal, .update, entity.permission, record: ownership)
        return record
    }

    /// Applies and saves `input` (not the stage), writing the history; the saved record.
    func save(_ input: Kind.Input, to before: Kind.Record, principal: Principal, now: Date, _ db: any SQLDatabase) async throws
        -> Kind.Record
    {
        var after = before
        var v = Validator()
        let items = try await kind.apply(input, to: &after, creating: false, principal: principal, db, &v)
        let place = kind.place(of: input)
        if place.pipelineID != nil || place.stageID != nil {
            v.add(place.stageID != nil ? "stage_id" : "pipeline_id", "not_allowed", "a \(entity.rawValue) changes stage by a move")
        }
        try v.throwIfInvalid()
        kind.adjust(&after, before: before, input: input)
        if after.ownerID != before.ownerID {
            try await PipelineRecordRules.requireOwner(after.ownerID, entity, .update, principal, db)
        }
        after.updatedAt = now
        guard let version = try await kind.update(after, expectedVersion: before.version, on: db) else {
            throw RapportError.stale(currentVersion: before.version)
        }
        after.version = version
        var changes = PipelineRecordRules.changes(kind.fields(before), kind.fields(after))
        if let items {
            let old = try await LineItemStore().items(entity, recordID: before.id, on: db)
            if old != items {
                try await LineItemStore().replace(entity, recordID: before.id, with: items, on: db)
                changes.append(FieldChange(field: "line_items", old: old.isEmpty ? nil : String(old.count),
                                           new: items.isEmpty ? nil : String(items.count)))
            }
        }
        if !changes.isEmpty { try await events.record(entity.rawValue, before.id, .updated, changes: changes, by: principal.userID, on: db) }
        return after
    }

    /// Writes a new record (its fields already applied) in `stage`, with its lines and its
    /// `created` event; the stage must admit it.
    func insert(_ record: Kind.Record, items: [LineItem]?, in stage: Stage, of pipeline: Pipeline, by principal: Principal?,
                now: Date, insert: (Kind.Record) async throws -> Int64, _ db: any SQLDatabase) async throws -> Kind.Record {
        var record = record
        try await PipelineRecordRules.requireOwner(record.ownerID, entity, .create, principal, db)
        record.place = StagePlace(pipelineID: pipeline.id, stageID: stage.id, visitID: 0, enteredAt: now)
        record.id = try await insert(record)
        if let items { try await LineItemStore().replace(entity, recordID: record.id, with: items, on: db) }
        try await events.record(entity.rawValue, record.id, .created, changes: PipelineRecordRules.changes([], kind.fields(record)),
                                by: principal?.userID, on: db)
        return try await moves.place(record, in: stage, of: pipeline, by: principal?.userID, now: now, db)
    }
}
