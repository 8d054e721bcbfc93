import Foundation
import SQLKit

/// Remembered answers to writes sent with an `Idempotency-Key`, per user, for 24 hours.
public struct IdempotencyStore: Sendable {
    public init() {}

    public struct Entry: Sendable, Equatable {
        public var requestHash: String
        /// nil while the first request is still being processed.
        public var status: Int?
        public var contentType: String?
        /// The answer's `ETag` and `Location`, replayed with it.
        public var headers: [String: String]
        public var body: String?
    }

    public func find(userID: Int64, key: String, on db: any SQLDatabase) async throws -> Entry? {
        try await db.raw("""
            SELECT request_hash, status, content_type, headers, body FROM idempotency_keys
            WHERE user_id = \(bind: userID) AND key = \(bind: key)
            """).first().map {
            Entry(requestHash: try $0.decode(column: "request_hash", as: String.self),
                  status: try $0.decode(column: "status", as: Int?.self),
                  contentType: try $0.decode(column: "content_type", as: String?.self),
                  headers: try $0.decode(column: "headers", as: String?.self)
                      .map { try JSONText.decode([String: String].self, $0) } ?? [:],
                  body: try $0.decode(column: "body", as: String?.self))
        }
    }

    /// Claims the key for a request in progress; throws `conflict` when it is already claimed.
    public func claim(userID: Int64, key: String, requestHash: String, at time: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO idempotency_keys (user_id, key, request_hash, created_at)
            VALUES (\(bind: userID), \(bind: key), \(bind: requestHash), \(bind: time.millis))
            """).run()
    }

    public func complete(userID: Int64, key: String, status: Int, contentType: String?, headers: [String: String],
                         body: String, on db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE idempotency_keys SET status = \(bind: status), content_type = \(bind: contentType),
                headers = \(bind: JSONText.encode(headers)), body = \(bind: body)
            WHERE user_id = \(bind: userID) AND key = \(bind: key)
            """).run()
    }

    /// Forgets a claim whose request failed, so the client may retry with the same key.
    public func release(userID: Int64, key: String, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM idempotency_keys WHERE user_id = \(bind: userID) AND key = \(bind: key)").run()
    }

    public func deleteOlder(than time: Date, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM idempotency_keys WHERE created_at < \(bind: time.millis)").run()
    }
}
