import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import RapportDomain

/// Why an SMTP session or one message in it did not go through. `isPermanent` says whether
/// trying the message again could help: a refused recipient cannot, a server down can, and so
/// can a wrong password or a certificate (the settings can be fixed while the message waits).
public enum SMTPError: Error, Equatable, CustomStringConvertible {
    case connect(String)
    case tls(String)
    case timedOut(step: String)
    case closed(step: String)
    case refused(step: String, SMTPReply)
    case authentication(SMTPReply)
    case notOffered(String)
    case malformedReply(String)
    case invalidAddress(String)
    case tooLarge(size: Int, limit: Int)

    public var isPermanent: Bool {
        switch self {
        case .refused(let step, let reply): step != "greeting" && step != "EHLO" && reply.code >= 500
        case .invalidAddress, .tooLarge: true
        default: false
        }
    }

    /// Whether the session can go on with the next message after this one failed.
    var sessionUsable: Bool {
        switch self {
        case .refused(let step, _): step != "greeting" && step != "EHLO" && step != "STARTTLS"
        case .invalidAddress, .tooLarge: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .connect(let why): "the SMTP server could not be reached: \(why)"
        case .tls(let why): "TLS with the SMTP server failed: \(why)"
        case .timedOut(let step): "the SMTP server did not answer \(step) in time"
        case .closed(let step): "the SMTP server closed the connection during \(step)"
        case .refused(let step, let reply): "the SMTP server refused \(step): \(reply.text)"
        case .authentication(let reply): "the SMTP server refused the user name or password: \(reply.text)"
        case .notOffered(let what): "the SMTP server does not offer \(what)"
        case .malformedReply(let line): "the SMTP server's reply does not read: \(line.prefix(200))"
        case .invalidAddress(let address): "\(address.prefix(100)) cannot be an e-mail address"
        case .tooLarge(let size, let limit): "the message (\(size) bytes) is larger than the server takes (\(limit) bytes)"
        }
    }
}

/// An SMTP client on SwiftNIO (RFC 5321): a session on one connection — the greeting,
/// `EHLO`, `STARTTLS` or TLS from the first byte, `AUTH PLAIN` or `LOGIN`, then messages one
/// after another (the envelope pipelined where the server offers it), `QUIT` at the end.
/// Each reply has a time limit: the connection is closed when it passes.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    let password: String?
    let replyTimeout: TimeAmount
    /// The DATA's final reply may take longer: the server may scan the message first.
    let dataTimeout: TimeAmount

    public init(settings: SMTPSettings, password: String?, replyTimeout: TimeAmount = .seconds(30), dataTimeout: TimeAmount = .seconds(120)) {
        self.settings = settings
        self.password = password
        self.replyTimeout = replyTimeout
        self.dataTimeout = dataTimeout
    }

    /// Opens a session (greeting, EHLO, TLS, sign-in), runs `body` with it, says QUIT.
    @discardableResult
    public func session<T: Sendable>(_ body: (SMTPSession) async throws -> T) async throws -> T {
        let tlsContext = try settings.security == .none ? nil : makeTLSContext()
        // SNI takes a name, never an address.
        let serverName = Self.isIPAddress(settings.host) ? nil : settings.host
        let implicitTLS = settings.security == .tls
        let handshake = TLSHandshakeWatch.State(nil)
        let channel: NIOAsyncChannel<String, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(15))
                .connect(host: settings.host, port: settings.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let tlsContext {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                            try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatch(handshake))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError.connect("\(settings.host):\(settings.port): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            let session = SMTPSession(channel: channel.channel, lines: inbound.makeAsyncIterator(), outbound: outbound, client: self,
                                      tlsContext: tlsContext, serverName: serverName, handshake: implicitTLS ? handshake : nil)
            try await session.open()
            let result = try await body(session)
            await session.quit()
            return result
        }
    }

    func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !settings.verifyCertificate { configuration.certificateVerification = .none }
        do { return try NIOSSLContext(configuration: configuration) } catch { throw SMTPError.tls("\(error)") }
    }

    /// Whether `host` is a numeric address (SNI takes names only). `SocketAddress` throws for
    /// anything that is not an address: that is the answer "no", not an error to report.
    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// One SMTP connection, used by one task at a time.
public final class SMTPSession {
    let channel: any Channel
    var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let client: SMTPClient
    let tlsContext: NIOSSLContext?
    let serverName: String?
    /// Once TLS began: whether its handshake completed, and how it failed.
    var handshake: TLSHandshakeWatch.State?
    public private(set) var capabilities = SMTPCapabilities()

    init(channel: any Channel, lines: NIOAsyncChannelInboundStream<String>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
         client: SMTPClient, tlsContext: NIOSSLContext?, serverName: String?, handshake: TLSHandshakeWatch.State?) {
        self.handshake = handshake
        self.channel = channel
        self.lines = lines
        self.outbound = outbound
        self.client = client
        self.tlsContext = tlsContext
        self.serverName = serverName
    }

    var settings: SMTPSettings { client.settings }

    func open() async throws {
        try expect(try await reply("greeting"), 220, "greeting")
        try await ehlo()
        if settings.security == .starttls {
            guard capabilities.startTLS else { throw SMTPError.notOffered("STARTTLS") }
            try await write("STARTTLS\r\n")
            try expect(try await reply("STARTTLS"), 220, "STARTTLS")
            try await startTLS()
            try await ehlo()  // what the server offers may change once the connection is private
        }
        if let user = settings.username, !user.isEmpty { try await authenticate(user, client.password ?? "") }
    }

    func ehlo() async throws {
        try await write(SMTPCommand.ehlo(settings.heloName ?? settings.senderDomain))
        let answer = try await reply("EHLO")
        try expect(answer, 250, "EHLO")
        capabilities = SMTPCapabilities(ehlo: answer)
    }

    func startTLS() async throws {
        guard let tlsContext else { throw SMTPError.tls("no TLS context") }
        let serverName = serverName
        let watch = TLSHandshakeWatch.State(nil)
        handshake = watch
        do {
            try await channel.eventLoop.submit { [channel] in
                let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
                try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatch(watch), position: .after(tls))
            }.get()
        } catch {
            throw SMTPError.tls("\(error)")
        }
    }

    func authenticate(_ user: String, _ password: String) async throws {
        if capabilities.authMechanisms.contains("PLAIN") {
            try await write(SMTPCommand.authPlain(user: user, password: password))
            let answer = try await reply("AUTH")
            guard answer.code == 235 else { throw SMTPError.authentication(answer) }
        } else if capabilities.authMechanisms.contains("LOGIN") {
            try await write("AUTH LOGIN\r\n")
            for (step, text) in [("AUTH LOGIN", user), ("AUTH LOGIN user name", password)] {
                let prompt = try await reply(step)
                guard prompt.code == 334 else { throw SMTPError.authentication(prompt) }
                try await write(SMTPCommand.base64Line(text))
            }
            let answer = try await reply("AUTH LOGIN password")
            guard answer.code == 235 else { throw SMTPError.authentication(answer) }
        } else {
            throw SMTPError.notOffered("AUTH PLAIN or LOGIN" + (capabilities.authMechanisms.isEmpty ? "" : " (only \(capabilities.authMechanisms.sorted().joined(separator: ", ")))"))
        }
    }

    /// Sends one message (its bytes as `MIMEMessage.rendered()` gives them) to `recipient`;
    /// returns the server's final reply. A refusal of this message leaves the session usable
    /// for the next (`SMTPError.sessionUsable`).
    @discardableResult
    public func send(from sender: String, to recipient: String, data: Data) async throws -> SMTPReply {
        for address in [sender, recipient] where !SMTPCommand.isSafeAddress(address) { throw SMTPError.invalidAddress(address) }
        if let limit = capabilities.maxSize, data.count > limit { throw SMTPError.tooLarge(size: data.count, limit: limit) }
        let envelope = [("MAIL FROM", SMTPCommand.mailFrom(sender, size: capabilities.maxSize != nil ? data.count : nil)),
                        ("RCPT TO", SMTPCommand.rcptTo(recipient)), ("DATA", "DATA\r\n")]
        var replies: [SMTPReply] = []
        if capabilities.pipelining {
            try await write(envelope.map(\.1).joined())
            for (step, _) in envelope { replies.append(try await reply(step)) }
        } else {
            for (step, command) in envelope {
                try await write(command)
                replies.append(try await reply(step))
                guard replies.last!.code / 100 == 2 else { break }
            }
        }
        guard replies.count == envelope.count, replies[0].code / 100 == 2, replies[1].code / 100 == 2, replies[2].code == 354 else {
            // A server that says 354 after refusing the envelope gets an empty message, which goes nowhere.
            if replies.count == envelope.count, replies[2].code == 354 { try await write(".\r\n"); _ = try await reply("DATA") }
            try await reset()
            let refused = replies.firstIndex { $0.code / 100 != 2 && $0.code != 354 } ?? replies.count - 1
            throw SMTPError.refused(step: envelope[refused].0, replies[refused])
        }
        do { try await outbound.write(ByteBuffer(bytes: SMTPCommand.data(data))) } catch { throw ended("the message", false) }
        let final = try await reply("the message", timeout: client.dataTimeout)
        guard final.code / 100 == 2 else { throw SMTPError.refused(step: "the message", final) }
        return final
    }

    /// `RSET` after a refused message, so the next starts clean.
    func reset() async throws {
        try await write("RSET\r\n")
        _ = try await reply("RSET")
    }

    /// `QUIT`, politely; the connection closes either way.
    func quit() async {
        do {
            try await write("QUIT\r\n")
            _ = try await reply("QUIT", timeout: .seconds(5))
        } catch {
            // The server may close first; the channel is closed after this regardless.
        }
    }

    func write(_ command: String) async throws {
        do { try await outbound.write(ByteBuffer(string: command)) } catch { throw ended(String(command.prefix(4)), false) }
    }

    func expect(_ reply: SMTPReply, _ code: Int, _ step: String) throws {
        guard reply.code == code else { throw SMTPError.refused(step: step, reply) }
    }

    /// The next whole reply; the channel is closed when it does not come within the limit.
    func reply(_ step: String, timeout: TimeAmount? = nil) async throws -> SMTPReply {
        let expired = NIOLockedValueBox(false)
        let timer = channel.eventLoop.scheduleTask(in: timeout ?? client.replyTimeout) { [channel] in
            expired.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        var parser = SMTPReplyParser()
        while true {
            let line: String?
            do {
                line = try await lines.next()
            } catch let error as NIOSSLError {
                throw SMTPError.tls("\(error)")
            } catch let error as BoringSSLError {
                throw SMTPError.tls("\(error)")
            } catch {
                throw ended(step, expired.withLockedValue { $0 })
            }
            guard let line else { throw ended(step, expired.withLockedValue { $0 }) }
            do {
                if let reply = try parser.feed(line) { return reply }
            } catch {
                throw SMTPError.malformedReply(line)
            }
        }
    }
}

extension SMTPSession {
    /// Why the replies stopped: a TLS handshake that never completed (the server may close
    /// before its alert is read), else the time limit, else the server closing.
    func ended(_ step: String, _ expired: Bool) -> SMTPError {
        if let handshake, let state = handshake.withLockedValue({ $0 }), !state.completed {
            return .tls(state.error ?? "the TLS handshake did not complete")
        }
        return expired ? .timedOut(step: step) : .closed(step: step)
    }
}

/// Notes whether the TLS handshake completed and the error that ended it, for `SMTPSession.ended`.
final class TLSHandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias State = NIOLockedValueBox<(completed: Bool, error: String?)?>

    let state: State

    init(_ state: State) {
        self.state = state
        state.withLockedValue { $0 = (false, nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { state.withLockedValue { $0?.completed = true } }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        state.withLockedValue { current in
            if current?.completed == false, current?.error == nil { current?.error = "\(error)" }
        }
        context.fireErrorCaught(error)
    }
}

/// Splits what the server sends into lines without their CRLF (a reply line is at most 512
/// characters by RFC 5321; longer than 8 KiB is refused).
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 8192 { throw SMTPError.malformedReply("a line longer than 8 KiB") }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
