import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

extension CallResultInput: StrictInput { typealias Keys = CodingKeys }

struct CallListBody: StrictInput {
    var name: String?
    /// The contacts list's query string (`region=Москва&owner_id=3`); empty: every readable contact.
    var query: String?
    var savedViewID: Int64?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, query, savedViewID = "saved_view_id" }
    typealias Keys = CodingKeys
}

/// `/api/v1/call-lists`: lists of contacts to dial through, one result per entry.
struct CallListsAPI {
    let callLists: CallListService
    let views: SavedViewService

    /// The contacts filter a list is made from: a saved view of contacts, or a query string.
    static func source(query: String?, savedViewID: Int64?, views: SavedViewService, by principal: Principal) async throws
        -> (query: ClientQuery, text: String)
    {
        var text = query ?? ""
        if let savedViewID {
            guard let view = try await views.list(entity: "contact", by: principal).first(where: { $0.id == savedViewID }) else {
                throw RapportError.invalid("saved_view_id", "not_found", "no saved view of contacts with id \(savedViewID)")
            }
            text = view.query
        }
        if text.hasPrefix("?") { text.removeFirst() }
        return (try ClientFilters.query(text), text)
    }

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("call-lists") { _, context in
            let lists = try await callLists.lists(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": lists.map { CallListDTO(list: $0, entries: nil, contacts: [:]) }])
        }
        group.post("call-lists") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(CallListBody.self, from: request, context: context)
            let source = try await Self.source(query: body.query, savedViewID: body.savedViewID, views: views, by: principal)
            let list = try await callLists.create(name: body.name, query: source.query, queryText: source.text, by: principal)
            let sheet = try await callLists.sheet(list.id, by: principal)
            return try JSONResponse.make(CallListDTO(list: sheet.list, entries: sheet.entries, contacts: sheet.contacts),
                                         status: .created, headers: [.location: "/api/v1/call-lists/\(list.id)"])
        }
        group.get("call-lists/{id}") { request, context in
            let pending = try QueryReader(request: request).bool("pending") ?? false
            let sheet = try await callLists.sheet(try context.id(entity: "call list"), pendingOnly: pending,
                                                  by: try context.requirePrincipal())
            return try JSONResponse.make(CallListDTO(list: sheet.list, entries: sheet.entries, contacts: sheet.contacts))
        }
        group.delete("call-lists/{id}") { _, context in
            try await callLists.delete(try context.id(entity: "call list"), by: try context.requirePrincipal())
            return JSONResponse.noContent()
        }
        group.post("call-lists/{id}/entries/{entry}/result") { request, context in
            let body = try await JSONBody.decode(CallResultInput.self, from: request, context: context)
            let entry = try await callLists.record(try context.id(entity: "call list"),
                                                   entry: try context.id("entry", entity: "call list entry"), body,
                                                   by: try context.requirePrincipal())
            return try JSONResponse.make(CallListEntryDTO(entry: entry, contact: nil))
        }
    }
}

struct CallListDTO: Encodable {
    var list: CallList
    var entries: [CallListEntry]?
    var contacts: [Int64: Contact]

    enum CodingKeys: String, CodingKey {
        case id, name, query, total, done, entries, version
        case ownerID = "owner_id", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(list.id, forKey: .id)
        try c.encode(list.name, forKey: .name)
        try c.encode(list.ownerID, forKey: .ownerID)
        try c.encode(list.query, forKey: .query)
        try c.encode(list.total, forKey: .total)
        try c.encode(list.done, forKey: .done)
        try c.encode(ISO8601.string(list.createdAt), forKey: .createdAt)
        try c.encode(ISO8601.string(list.updatedAt), forKey: .updatedAt)
        try c.encode(list.version, forKey: .version)
        if let entries { try c.encode(entries.map { CallListEntryDTO(entry: $0, contact: contacts[$0.contactID]) }, forKey: .entries) }
    }
}

struct CallListEntryDTO: Encodable {
    var entry: CallListEntry
    var contact: Contact?

    enum CodingKeys: String, CodingKey {
        case id, position, phone, outcome, note
        case contactID = "contact_id", contactName = "contact_name", interactionID = "interaction_id", taskID = "task_id"
        case calledBy = "called_by", calledAt = "called_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entry.id, forKey: .id)
        try c.encode(entry.position, forKey: .position)
        try c.encode(entry.contactID, forKey: .contactID)
        try c.encode(contact?.displayName, forKey: .contactName)
        try c.encode(entry.phone, forKey: .phone)
        try c.encode(entry.outcome?.rawValue, forKey: .outcome)
        try c.encode(entry.note, forKey: .note)
        try c.encode(entry.interactionID, forKey: .interactionID)
        try c.encode(entry.taskID, forKey: .taskID)
        try c.encode(entry.calledBy, forKey: .calledBy)
        try c.encode(entry.calledAt.map(ISO8601.string), forKey: .calledAt)
    }
}
