import Foundation

/// A kind of field visit (measurement, installation …): who can make it (a skill a
/// technician lists) and how long it takes in working time, travel included.
public struct VisitKind: Equatable, Sendable {
    public var id: Int64
    public var name: String
    /// Matched, ignoring case, against the technicians' skills.
    public var skill: String
    public var minutes: Int
    public var version: Int64

    public init(id: Int64 = 0, name: String, skill: String, minutes: Int = 180, version: Int64 = 1) {
        self.id = id
        self.name = name
        self.skill = skill
        self.minutes = minutes
        self.version = version
    }
}

/// A technician's visit to a client, booked from a lead or a deal (P7). More than a working
/// day away it waits for the manager to confirm it the working day before; once confirmed the
/// technician gets a task with what they need and the client an SMS.
public struct Visit: Equatable, Sendable {
    public enum State: String, CaseIterable, Sendable {
        case booked, confirmed, done, cancelled
    }

    public var id: Int64
    public var kindID: Int64
    public var technicianID: Int64
    public var start: Date
    public var end: Date
    public var address: String
    public var region: String?
    public var comments: String?
    /// The lead or deal it is for.
    public var link: WorkTask.Link
    public var state: State
    public var confirmTaskID: Int64?
    public var technicianTaskID: Int64?
    /// What the technician brought back: measurements, the materials chosen.
    public var results: String?
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64

    public init(id: Int64 = 0, kindID: Int64, technicianID: Int64, start: Date, end: Date, address: String, region: String? = nil,
                comments: String? = nil, link: WorkTask.Link, state: State = .booked, createdBy: Int64? = nil, createdAt: Date,
                updatedAt: Date, version: Int64 = 1) {
        self.id = id
        self.kindID = kindID
        self.technicianID = technicianID
        self.start = start
        self.end = end
        self.address = address
        self.region = region
        self.comments = comments
        self.link = link
        self.state = state
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var interval: DateInterval { DateInterval(start: start, end: end) }
}
