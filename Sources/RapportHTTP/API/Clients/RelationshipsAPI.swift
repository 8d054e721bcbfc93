import Hummingbird
import RapportDomain
import RapportServices

/// A tie as seen from the record it is listed on.
struct RelationshipDTO: Encodable {
    var id: Int64
    var kind: String
    var note: String?
    var otherID: Int64
    var otherName: String
    /// True when the record asked about is the tie's first side ("A is the parent of B").
    var outgoing: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, note, outgoing
        case otherID = "other_id", otherName = "other_name"
    }

    func encode(to encoder: any Encoder) throws {
        var out = encoder.container(keyedBy: CodingKeys.self)
        try out.encode(id, forKey: .id)
        try out.encode(kind, forKey: .kind)
        try out.encode(note, forKey: .note)
        try out.encode(otherID, forKey: .otherID)
        try out.encode(otherName, forKey: .otherName)
        try out.encode(outgoing, forKey: .outgoing)
    }
}

struct RelationshipBody: StrictInput {
    var toID: Int64
    var kind: String?
    var note: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, note
        case toID = "to_id"
    }
    typealias Keys = CodingKeys
}

/// `/api/v1/{companies|contacts}/{id}/relationships`.
struct RelationshipsAPI {
    let relationships: RelationshipService

    func register(on group: RouterGroup<RapportRequestContext>) {
        for (path, entity) in [("companies", PermissionEntity.company), ("contacts", .contact)] {
            group.get("\(path)/{id}/relationships") { _, context in
                let id = try context.id(entity: entity.rawValue)
                let ties = try await relationships.list(entity, id, by: try context.requirePrincipal())
                return try JSONResponse.make(["data": ties.map { tie in
                    RelationshipDTO(id: tie.relationship.id, kind: tie.relationship.kind, note: tie.relationship.note,
                                    otherID: tie.otherID, otherName: tie.otherName, outgoing: tie.relationship.fromID == id)
                }])
            }
            group.post("\(path)/{id}/relationships") { request, context in
                let id = try context.id(entity: entity.rawValue)
                let body = try await JSONBody.decode(RelationshipBody.self, from: request, context: context)
                let principal = try context.requirePrincipal()
                let r = try await relationships.add(entity, id, to: body.toID, kind: body.kind, note: body.note, by: principal)
                let name = try await relationships.list(entity, id, by: principal).first { $0.relationship.id == r.id }?
                    .otherName ?? "#\(r.toID)"
                return try JSONResponse.make(RelationshipDTO(id: r.id, kind: r.kind, note: r.note, otherID: r.toID,
                                                             otherName: name, outgoing: true), status: .created)
            }
            group.delete("\(path)/{id}/relationships/{relationship}") { _, context in
                let id = try context.id(entity: entity.rawValue)
                let relationship = try context.id("relationship", entity: "relationship")
                try await relationships.remove(entity, id, relationship: relationship, by: try context.requirePrincipal())
                return JSONResponse.noContent()
            }
        }
    }
}
