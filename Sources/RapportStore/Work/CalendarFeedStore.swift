import Foundation
import SQLKit

/// The hashes of people's calendar feed secrets, one per person.
public struct CalendarFeedStore: Sendable {
    public init() {}

    public func replace(userID: Int64, tokenHash: String, at now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM calendar_feeds WHERE user_id = \(bind: userID)").run()
        try await db.raw("""
            INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (\(bind: userID), \(bind: tokenHash), \(bind: now.millis))
            """).run()
    }

    public func remove(userID: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM calendar_feeds WHERE user_id = \(bind: userID)").run()
    }

    public func user(tokenHash: String, on db: any SQLDatabase) async throws -> Int64? {
        try await db.raw("SELECT user_id FROM calendar_feeds WHERE token_hash = \(bind: tokenHash)").first()?
            .decode(column: "user_id", as: Int64.self)
    }

    public func exists(userID: Int64, on db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT user_id FROM calendar_feeds WHERE user_id = \(bind: userID)").first() != nil
    }
}
