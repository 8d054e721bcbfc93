import Foundation
import SQLKit

/// The single row of the company's work calendar: the week (`WorkWeek.text`) and the
/// production calendar's text (`ProductionCalendarFile`), kept as the administrator wrote it.
public struct WorkCalendarStore: Sendable {
    public init() {}

    public struct Row: Sendable, Equatable {
        public var week: String
        public var days: String
        public var version: Int64
    }

    public func get(on db: any SQLDatabase) async throws -> Row? {
        try await db.raw("SELECT week, days, version FROM work_calendar WHERE id = 1").first().map {
            Row(week: try $0.decode(column: "week", as: String.self), days: try $0.decode(column: "days", as: String.self),
                version: try $0.decode(column: "version", as: Int64.self))
        }
    }

    /// Writes the row when its version is still `expectedVersion` (0: none yet); the new version, or nil when stale.
    public func save(week: String, days: String, expectedVersion: Int64, at now: Date, on db: any SQLDatabase) async throws
        -> Int64?
    {
        if expectedVersion == 0 {
            try await db.raw("""
                INSERT INTO work_calendar (id, week, days, updated_at, version)
                VALUES (1, \(bind: week), \(bind: days), \(bind: now.millis), 1)
                """).run()
            return 1
        }
        return try await db.raw("""
            UPDATE work_calendar SET week = \(bind: week), days = \(bind: days), updated_at = \(bind: now.millis),
                version = version + 1
            WHERE id = 1 AND version = \(bind: expectedVersion)
            RETURNING version
            """).first()?.decode(column: "version", as: Int64.self)
    }
}
