import Foundation
import Hummingbird
import RapportDomain
import RapportServices

extension VisitInput: StrictInput { typealias Keys = CodingKeys }

/// Body of `POST /api/v1/visit-kinds`.
struct VisitKindBody: StrictInput {
    var name: String?
    var skill: String?
    var minutes: Int?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, skill, minutes }
    typealias Keys = CodingKeys
}

/// Body of `POST /api/v1/visits/{id}/results`.
struct VisitResultsBody: StrictInput {
    var results: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case results }
    typealias Keys = CodingKeys
}

/// `/api/v1/visit-kinds`, `/api/v1/visit-slots`, `/api/v1/visits`: field visits — their kinds,
/// free slots, booking, confirmation and rescheduling.
struct VisitsAPI {
    let visits: VisitService
    /// The largest design layout a result may carry (the attachments' limit).
    let maxUpload: Int

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("visit-kinds") { _, context in
            let kinds = try await visits.kinds(by: try context.requirePrincipal())
            return try JSONResponse.make(["data": kinds.map(VisitKindDTO.init)])
        }
        group.post("visit-kinds") { request, context in
            let body = try await JSONBody.decode(VisitKindBody.self, from: request, context: context)
            let kind = try await visits.createKind(name: body.name, skill: body.skill, minutes: body.minutes,
                                                   by: try context.requirePrincipal())
            return try JSONResponse.make(VisitKindDTO(kind: kind), status: .created, version: kind.version)
        }
        group.get("visit-slots") { request, context in
            let query = QueryReader(request: request)
            guard let kind = try query.int64("kind_id") else { throw RapportError.invalid("kind_id", "required", "kind_id is required") }
            let slots = try await visits.slots(kindID: kind, region: try query.string("region", maxLength: 200),
                                               from: try query.date("from"), to: try query.date("to"), by: try context.requirePrincipal())
            return try JSONResponse.make(["data": slots.map(SlotDTO.init)])
        }
        group.get("visits") { request, context in
            let query = QueryReader(request: request)
            guard let entity = try query.string("link_entity", maxLength: 20), let id = try query.int64("link_id") else {
                throw RapportError.invalid("link_id", "required", "link_entity and link_id are required")
            }
            let list = try await visits.visits(of: .init(entity: entity, id: id), by: try context.requirePrincipal())
            return try JSONResponse.make(["data": list.map(VisitDTO.init)])
        }
        group.post("visits") { request, context in
            let body = try await JSONBody.decode(VisitInput.self, from: request, context: context)
            let visit = try await visits.book(body, by: try context.requirePrincipal())
            return try JSONResponse.make(VisitDTO(visit: visit), status: .created, version: visit.version,
                                         headers: [.location: "/api/v1/visits/\(visit.id)"])
        }
        group.get("visits/{id}") { _, context in
            let visit = try await visits.get(try context.id(entity: "visit"), by: try context.requirePrincipal())
            return try JSONResponse.make(VisitDTO(visit: visit), version: visit.version)
        }
        group.post("visits/{id}/confirm") { request, context in
            let visit = try await visits.confirm(try context.id(entity: "visit"), expectedVersion: try request.ifMatchVersion(),
                                                 by: try context.requirePrincipal())
            return try JSONResponse.make(VisitDTO(visit: visit), version: visit.version)
        }
        group.post("visits/{id}/results") { request, context in
            let id = try context.id(entity: "visit")
            var results: String?
            var layout: VisitService.ResultFile?
            if MultipartForm.boundary(request.headers[.contentType]) != nil {
                // The results with the design layout: `results` and a `layout` file.
                let body = Data(buffer: try await request.body.collect(upTo: maxUpload + (64 << 10)))
                guard let form = MultipartForm(body, boundary: MultipartForm.boundary(request.headers[.contentType])!) else {
                    throw RapportError.invalid("body", "invalid", "the multipart body could not be read")
                }
                results = form.fields["results"]
                layout = form.files["layout"].map { VisitService.ResultFile(fileName: $0.fileName, contentType: $0.contentType, bytes: $0.bytes) }
            } else {
                results = try await JSONBody.decode(VisitResultsBody.self, from: request, context: context).results
            }
            let visit = try await visits.recordResults(id, results: results, layout: layout, expectedVersion: try request.ifMatchVersion(),
                                                       by: try context.requirePrincipal())
            return try JSONResponse.make(VisitDTO(visit: visit), version: visit.version)
        }
        group.post("visits/{id}/reschedule") { request, context in
            let id = try context.id(entity: "visit")
            let body = try await JSONBody.decode(VisitInput.self, from: request, context: context)
            let visit = try await visits.reschedule(id, body, expectedVersion: try request.ifMatchVersion(), by: try context.requirePrincipal())
            return try JSONResponse.make(VisitDTO(visit: visit), version: visit.version)
        }
    }
}

struct VisitKindDTO: Encodable {
    var kind: VisitKind

    enum CodingKeys: String, CodingKey { case id, name, skill, minutes, version }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind.id, forKey: .id)
        try c.encode(kind.name, forKey: .name)
        try c.encode(kind.skill, forKey: .skill)
        try c.encode(kind.minutes, forKey: .minutes)
        try c.encode(kind.version, forKey: .version)
    }
}

struct SlotDTO: Encodable {
    var slot: SlotFinder.Slot

    enum CodingKeys: String, CodingKey { case start, end, technicianID = "technician_id" }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(slot.technicianID, forKey: .technicianID)
        try c.encode(ISO8601.string(slot.start), forKey: .start)
        try c.encode(ISO8601.string(slot.end), forKey: .end)
    }
}

struct VisitDTO: Encodable {
    var visit: Visit

    enum CodingKeys: String, CodingKey {
        case id, start, end, address, region, comments, state, results, version
        case kindID = "kind_id", technicianID = "technician_id", linkEntity = "link_entity", linkID = "link_id"
        case confirmTaskID = "confirm_task_id", technicianTaskID = "technician_task_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(visit.id, forKey: .id)
        try c.encode(visit.kindID, forKey: .kindID)
        try c.encode(visit.technicianID, forKey: .technicianID)
        try c.encode(ISO8601.string(visit.start), forKey: .start)
        try c.encode(ISO8601.string(visit.end), forKey: .end)
        try c.encode(visit.address, forKey: .address)
        try c.encode(visit.region, forKey: .region)
        try c.encode(visit.comments, forKey: .comments)
        try c.encode(visit.link.entity, forKey: .linkEntity)
        try c.encode(visit.link.id, forKey: .linkID)
        try c.encode(visit.state.rawValue, forKey: .state)
        try c.encode(visit.confirmTaskID, forKey: .confirmTaskID)
        try c.encode(visit.technicianTaskID, forKey: .technicianTaskID)
        try c.encode(visit.results, forKey: .results)
        try c.encode(visit.version, forKey: .version)
    }
}
