import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportDomain
import RapportServices
import RapportStore

/// `Idempotency-Key` on API writes: the first request with a key runs and its successful
/// answer is kept for 24 hours; a repeat with the same key and the same request gets that
/// answer again (with `Idempotent-Replayed: true`) without running twice. The same key with a
/// different request is a 422; a repeat while the first still runs is a 409. A failed first
/// request frees the key so the client may retry. File uploads ignore the key.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = RapportRequestContext
    let database: Database
    let clock: any WallClock
    let store = IdempotencyStore()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Uploads are larger than any answer worth keeping; a repeated upload is a second file.
        guard !request.method.isSafe, let key = request.headers[.idempotencyKey],
              !request.uri.path.hasSuffix("/attachments"), request.uri.path != "/api/v1/imports",
              MultipartForm.boundary(request.headers[.contentType]) == nil
        else {
            return try await next(request, context)
        }
        guard !key.isEmpty, key.count <= 255 else { throw RapportHTTPError.badHeader("Idempotency-Key") }
        let principal = try context.requirePrincipal()
        var request = request
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        request.body = .init(buffer: body)
        var hasher = SHA256()
        // The method, the path with its query, the If-Match precondition and the body make "the same request".
        hasher.update(data: Data("\(request.method.rawValue) \(request.uri.description)\n\(request.headers[.ifMatch] ?? "")\n".utf8))
        hasher.update(data: Data(buffer: body))
        let hash = SecretGenerator.hex(hasher.finalize())
        let userID = principal.userID
        let now = clock.now()

        let existing = try await database.transaction { db -> IdempotencyStore.Entry? in
            if let found = try await self.store.find(userID: userID, key: key, on: db) { return found }
            try await self.store.claim(userID: userID, key: key, requestHash: hash, at: now, on: db)
            return nil
        }
        if let existing {
            guard existing.requestHash == hash else {
                throw RapportError.invalid("Idempotency-Key", "reused", "this key was used for a different request")
            }
            guard let status = existing.status else {
                throw RapportError.conflict("a request with this Idempotency-Key is still being processed")
            }
            var headers: HTTPFields = [.idempotentReplayed: "true"]
            if let type = existing.contentType { headers[.contentType] = type }
            if let etag = existing.headers["etag"] { headers[.eTag] = etag }
            if let location = existing.headers["location"] { headers[.location] = location }
            return Response(status: .init(code: status), headers: headers,
                            body: .init(byteBuffer: ByteBuffer(string: existing.body ?? "")))
        }

        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            do {
                try await database.transaction { db in try await self.store.release(userID: userID, key: key, on: db) }
            } catch let releaseError {
                // The key stays claimed until it expires; the client sees the original error.
                context.logger.warning("could not free an idempotency key", metadata: ["error": "\(releaseError)"])
            }
            throw error
        }
        guard response.status.code < 500 else {
            try await database.transaction { db in try await self.store.release(userID: userID, key: key, on: db) }
            return response
        }
        let box = BufferBox()
        var response2 = response
        try await response.body.write(BufferCollector(box: box))
        let collected = box.buffer
        let text = String(buffer: collected)
        try await database.transaction { db in
            try await self.store.complete(userID: userID, key: key, status: Int(response.status.code),
                                          contentType: response.headers[.contentType],
                                          headers: Self.replayedHeaders(response.headers), body: text, on: db)
        }
        response2.body = .init(byteBuffer: collected)
        return response2
    }
}

extension IdempotencyMiddleware {
    /// The answer headers a replay repeats.
    static func replayedHeaders(_ headers: HTTPFields) -> [String: String] {
        var kept: [String: String] = [:]
        if let etag = headers[.eTag] { kept["etag"] = etag }
        if let location = headers[.location] { kept["location"] = location }
        return kept
    }
}

/// Holds the bytes a `BufferCollector` gathered.
/// `@unchecked Sendable`: one task writes it, then the same task reads it after `write` returned.
final class BufferBox: @unchecked Sendable {
    var buffer = ByteBuffer()
}

/// Gathers a response body into one buffer.
struct BufferCollector: ResponseBodyWriter {
    let box: BufferBox
    mutating func write(_ buffer: ByteBuffer) async throws {
        var copy = buffer
        box.buffer.writeBuffer(&copy)
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
