import Foundation
import Hummingbird
import Synchronization

/// A real HTTP server on a free loopback port standing in for an outside system Rapport calls
/// (a PBX's click-to-call address, later an SMS gateway): it keeps every request and answers
/// each with the status and body the test set (200 `{}` until told otherwise).
public final class LocalHTTPReceiver: Sendable {
    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var headers: HTTPFields
        public var body: Data
    }

    struct State {
        var port: Int?
        var received: [Received] = []
        var status: HTTPResponse.Status = .ok
        var body = "{}"
        var delay: Duration = .zero
    }

    let state = Mutex(State())

    /// The server's base address, `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(state.withLock { $0.port ?? 0 })" }

    public var received: [Received] { state.withLock { $0.received } }

    /// How the next requests are answered; `delay` holds the answer back (a slow system).
    public func answer(_ status: HTTPResponse.Status, body: String = "{}", delay: Duration = .zero) {
        state.withLock { $0.status = status; $0.body = body; $0.delay = delay }
    }

    /// Runs `body` with the receiver listening; it stops when `body` returns.
    public static func with<T: Sendable>(_ body: (LocalHTTPReceiver) async throws -> T) async throws -> T {
        let receiver = LocalHTTPReceiver()
        let responder = CallbackResponder<BasicRequestContext> { request, context in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let (status, text, delay) = receiver.state.withLock { state in
                state.received.append(Received(method: request.method.rawValue, path: request.uri.path, headers: request.headers,
                                               body: Data(bytes.readableBytesView)))
                return (state.status, state.body, state.delay)
            }
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(status: status, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let app = Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in receiver.state.withLock { $0.port = channel.localAddress?.port } })
        let server = Task { try await app.run() }
        defer { server.cancel() }
        for _ in 0..<500 where receiver.state.withLock({ $0.port == nil }) { try await Task.sleep(for: .milliseconds(10)) }
        guard receiver.state.withLock({ $0.port != nil }) else { throw CancellationError() }
        return try await body(receiver)
    }
}
