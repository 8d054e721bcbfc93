import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RapportDomain

/// A JSON request to an outside system, signed the way the webhooks we receive are:
/// `X-Rapport-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>`, so the
/// other side can tell it came from us. One short attempt: the caller is waiting.
public enum SignedPost {
    public static let signatureHeader = "X-Rapport-Signature"

    public struct Answer: Sendable {
        public var status: Int
        public var body: Data
    }

    /// Sends `body` to `url`; an answer outside 2xx, a refused connection or no answer within
    /// `timeout` is `RapportError.upstream` naming what happened (and `who` it was).
    public static func send(_ body: Data, to url: String, secret: String, who: String,
                            timeout: TimeAmount = .seconds(5)) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Rapport")
        request.headers.add(name: signatureHeader, value: "sha256=" + TelephonyService.sign(body, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw RapportError.upstream("\(who) could not be reached: \(describe(error))")
        }
        let answer: ByteBuffer
        do { answer = try await response.body.collect(upTo: 64 * 1024) } catch {
            throw RapportError.upstream("\(who) sent an unreadable answer: \(describe(error))")
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            throw RapportError.upstream("\(who) answered \(response.status.code) \(response.status.reasonPhrase)")
        }
        return Answer(status: Int(response.status.code), body: Data(answer.readableBytesView))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return "no answer in time"
        case let error as HTTPClientError:
            return error.description
        default:
            return String(describing: error)
        }
    }
}
