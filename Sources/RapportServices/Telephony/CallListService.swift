import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What a manager records after each call of a list.
public struct CallResultInput: Sendable, Equatable, Decodable {
    public var outcome: String?
    public var note: String?
    /// When they asked to be called back (`call_back` only): the task's deadline.
    public var callBackAt: String?

    public init(outcome: String? = nil, note: String? = nil, callBackAt: String? = nil) {
        self.outcome = outcome
        self.note = note
        self.callBackAt = callBackAt
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case outcome, note
        case callBackAt = "call_back_at"
    }
}

/// Call lists (P3): a manager dials through a filter of contacts one after another. The list
/// is fixed when made (the contacts the filter finds then, with a phone, in the list's order,
/// up to `maxEntries`); each result is logged as a call on the contact's timeline, and "call
/// back later" sets a task for then. A list is its owner's: others see it as their scope over
/// activities reaches the owner.
public struct CallListService: Sendable {
    public static let maxEntries = 2_000

    let env: ServiceEnvironment
    let store = CallListStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A list and the contact of each entry (nil for one since removed or no longer readable).
    public struct Sheet: Sendable {
        public var list: CallList
        public var entries: [CallListEntry]
        public var contacts: [Int64: Contact]
    }

    public func lists(by principal: Principal) async throws -> [CallList] {
        try Access.requireAny(principal, .read, .activity)
        return try await env.database.read { db in
            var visible: [CallList] = []
            for list in try await self.store.lists(ownerID: nil, on: db) where
                AccessPolicy.allows(principal.subject, .read, .activity, record: try await Responsible.recordOwnership(list.ownerID, on: db)) {
                visible.append(list)
            }
            return visible
        }
    }

    /// Makes a list of the contacts `query` finds for the principal (`queryText` is kept to
    /// say what it was made from).
    public func create(name: String?, query: ClientQuery, queryText: String, by principal: Principal) async throws -> CallList {
        try Access.requireAny(principal, .create, .activity)
        var v = Validator()
        let name = v.requireText(name, field: "name", maxLength: 200)
        try v.throwIfInvalid()
        let contacts = ContactService(env: env)
        var found: [(contactID: Int64, phone: String)] = []
        var page = PageRequest(limit: PageRequest.maxLimit)
        while found.count < Self.maxEntries {
            let batch = try await contacts.list(query, page: page, by: principal)
            for contact in batch.items {
                guard let phone = contact.channels.first(where: { $0.kind == .phone }) else { continue }
                found.append((contact.id, phone.normalized ?? phone.value))
            }
            guard let next = batch.nextCursor else { break }
            page.cursor = next
        }
        guard !found.isEmpty else {
            throw RapportError.invalid("query", "no_contacts", "the filter finds no contacts with a phone")
        }
        let now = env.clock.now()
        let chosen = Array(found.prefix(Self.maxEntries))
        return try await env.database.transaction { db in
            var list = CallList(name: name, ownerID: principal.userID, query: queryText, createdAt: now, updatedAt: now)
            list.id = try await self.store.insert(list, contacts: chosen, on: db)
            list.total = chosen.count
            try await self.events.record("call_list", list.id, .created,
                                         changes: [FieldChange(field: "name", old: nil, new: name),
                                                   FieldChange(field: "total", old: nil, new: String(list.total))],
                                         by: principal.userID, on: db)
            return list
        }
    }

    /// The list with its entries (`pendingOnly`: those still to call) and their contacts.
    public func sheet(_ id: Int64, pendingOnly: Bool = false, limit: Int = 10_000, by principal: Principal) async throws -> Sheet {
        try await env.database.read { db in
            let list = try await self.readable(id, principal, db)
            let entries = try await self.store.entries(listID: id, pendingOnly: pendingOnly, limit: limit, on: db)
            var contacts: [Int64: Contact] = [:]
            for contact in try await ContactStore().find(ids: entries.map(\.contactID), on: db) {
                let link = WorkTask.Link(entity: "contact", id: contact.id)
                if try await LinkAccess.readableOwnership(link, principal, db) != nil { contacts[contact.id] = contact }
            }
            return Sheet(list: list, entries: entries, contacts: contacts)
        }
    }

    public func delete(_ id: Int64, by principal: Principal) async throws {
        try await env.database.transaction { db in
            let list = try await self.readable(id, principal, db)
            try Access.require(principal, .delete, .activity, record: try await Responsible.recordOwnership(list.ownerID, on: db))
            try await self.store.delete(id: id, on: db)
            try await self.events.record("call_list", id, .deleted, changes: [FieldChange(field: "name", old: list.name, new: nil)],
                                         by: principal.userID, on: db)
        }
    }

    /// Records how the call to one entry went: a call on the contact's timeline (held by the
    /// principal), a task for the agreed time when they asked to be called back, the entry done.
    /// An entry is recorded once.
    public func record(_ listID: Int64, entry entryID: Int64, _ input: CallResultInput, by principal: Principal) async throws
        -> CallListEntry
    {
        let now = env.clock.now()
        var v = Validator()
        let outcome = input.outcome.flatMap(CallListEntry.Outcome.init(rawValue:))
        if outcome == nil {
            v.add("outcome", input.outcome == nil ? "required" : "invalid",
                  "outcome must be one of \(CallListEntry.Outcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let trimmed = input.note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let note: String? = trimmed.isEmpty ? nil : trimmed
        if let note, note.count > 5_000 { v.add("note", "too_long", "note must be at most 5000 characters") }
        var callBackAt: Date?
        if outcome == .callBack {
            callBackAt = input.callBackAt.flatMap(ISO8601.parse)
            if callBackAt == nil {
                v.add("call_back_at", input.callBackAt == nil ? "required" : "invalid",
                      "call_back_at must be a date and time such as 2026-12-02T10:00:00+03:00")
            } else if callBackAt! <= now {
                v.add("call_back_at", "past", "call_back_at must be in the future")
            }
        } else if input.callBackAt != nil {
            v.add("call_back_at", "unexpected", "call_back_at goes only with the outcome call_back")
        }
        try v.throwIfInvalid()
        let agreedTime = callBackAt
        return try await env.database.transaction { db in
            let list = try await self.readable(listID, principal, db)
            try Access.require(principal, .update, .activity, record: try await Responsible.recordOwnership(list.ownerID, on: db))
            guard var entry = try await self.store.entry(id: entryID, listID: listID, on: db) else {
                throw RapportError.notFound(entity: "call list entry")
            }
            guard entry.outcome == nil else { throw RapportError.conflict("this call is already recorded") }
            let link = WorkTask.Link(entity: "contact", id: entry.contactID)
            let readable = try await LinkAccess.readableOwnership(link, principal, db) != nil
            let contact = readable ? try await ContactStore().find(id: entry.contactID, on: db) : nil
            let ru = (try await SettingsStore().get(on: db)?.locale ?? .en) == .ru
            let label = Self.label(outcome!, ru: ru)
            var call = InteractionInput(kind: "call", subject: "\(list.name): \(label)",
                                        details: [(ru ? "Номер: " : "Number: ") + entry.phone, note].compactMap { $0 }.joined(separator: "\n"),
                                        startAt: ISO8601.string(now), direction: "outgoing", ownerID: principal.userID,
                                        linkEntity: contact == nil ? nil : link.entity, linkID: contact == nil ? nil : link.id)
            call.status = "held"
            call.state = outcome!.isConversation ? "done" : "not_done"
            call.result = label
            entry.interactionID = try await InteractionService(env: self.env).insert(call, parent: nil, now: now, principal: principal, db).id
            if let callBackAt = agreedTime {
                let who = [contact?.displayName, entry.phone].compactMap { $0 }.joined(separator: ", ")
                let task = TaskInput(title: (ru ? "Перезвонить: " : "Call back: ") + who, description: note, ownerID: principal.userID,
                                     deadline: ISO8601.string(callBackAt), priority: "normal",
                                     linkEntity: contact == nil ? nil : link.entity, linkID: contact == nil ? nil : link.id)
                let tasks = TaskService(env: self.env)
                entry.taskID = try await tasks.save(try await tasks.prepare(task, due: nil, calendar: nil, now: now, by: principal, db),
                                                    now: now, by: principal, db).id
            }
            entry.outcome = outcome
            entry.note = note
            entry.calledBy = principal.userID
            entry.calledAt = now
            guard try await self.store.record(entry, on: db) else { throw RapportError.conflict("this call is already recorded") }
            return entry
        }
    }

    /// How an outcome reads in the company's language (the interaction's subject and result).
    static func label(_ outcome: CallListEntry.Outcome, ru: Bool) -> String {
        switch outcome {
        case .reached: ru ? "дозвонились" : "reached"
        case .noAnswer: ru ? "не ответили" : "no answer"
        case .busy: ru ? "занято" : "busy"
        case .wrongNumber: ru ? "неверный номер" : "wrong number"
        case .callBack: ru ? "просили перезвонить" : "call back later"
        }
    }

    func readable(_ id: Int64, _ principal: Principal, _ db: any SQLDatabase) async throws -> CallList {
        guard let list = try await store.find(id: id, on: db),
              AccessPolicy.allows(principal.subject, .read, .activity, record: try await Responsible.recordOwnership(list.ownerID, on: db))
        else { throw RapportError.notFound(entity: "call list") }
        return list
    }
}
