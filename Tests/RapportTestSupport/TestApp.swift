import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RapportHTTP
import RapportStore

/// The real router over a test harness, for HTTP tests.
public struct TestApp: Sendable {
    public let harness: TestHarness

    public init(harness: TestHarness) {
        self.harness = harness
    }

    /// Runs `body` with a client talking to the application in process.
    public func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let router = try await buildRouter(settings: HTTPSettings(), services: harness.services)
        let app = Application(router: router)
        return try await app.test(.router, body)
    }

    /// A fresh harness on `kind`, with an application over it.
    public static func with<T: Sendable>(_ kind: DatabaseKind,
                                         _ body: @Sendable (TestHarness, any TestClientProtocol) async throws -> T)
        async throws -> T
    {
        try await TestHarness.with(kind) { harness in
            try await TestApp(harness: harness).test { client in try await body(harness, client) }
        }
    }
}

extension TestClientProtocol {
    /// Sends JSON with a bearer token; returns status, headers and body text.
    public func api(_ method: HTTPRequest.Method, _ path: String, token: String?, json: String? = nil,
                    headers extra: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, headers: HTTPFields,
                                                                      body: String) {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers,
                                 body: json.map { ByteBuffer(string: $0) }) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }
}

/// Reads a field out of a JSON object answer.
public func jsonValue(_ body: String, _ key: String) -> Any? {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8))) .flatMap { ($0 as? [String: Any])?[key] }
}
