import Foundation
import Hummingbird
import RapportDomain
import RapportServices

struct WorkCalendarDTO: Encodable {
    var week: [String]
    var days: String
    var daysCount: Int
    var version: Int64

    enum CodingKeys: String, CodingKey {
        case week, days, version
        case daysCount = "days_count"
    }

    init(_ s: WorkCalendarService.Settings) {
        week = s.week.days.map { $0.isWorking ? $0.description : "" }
        days = s.daysText
        daysCount = s.days.count
        version = s.version
    }
}

struct WorkCalendarBody: StrictInput {
    var week: [String]?
    var days: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case week, days }
    typealias Keys = CodingKeys
}

/// `/api/v1/work-calendar`: the company's working week and production calendar.
struct WorkCalendarAPI {
    let calendar: WorkCalendarService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("work-calendar") { _, context in
            let settings = try await calendar.settings(by: try context.requirePrincipal())
            return try JSONResponse.make(WorkCalendarDTO(settings), version: settings.version)
        }
        group.patch("work-calendar") { request, context in
            let body = try await JSONBody.decode(WorkCalendarBody.self, from: request, context: context)
            let settings = try await calendar.update(week: body.week, days: body.days, expectedVersion: try request.ifMatchVersion(),
                                                     by: try context.requirePrincipal())
            return try JSONResponse.make(WorkCalendarDTO(settings), version: settings.version)
        }
    }
}
