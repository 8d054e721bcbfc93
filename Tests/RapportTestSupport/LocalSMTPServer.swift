import Foundation

/// A real SMTP server (aiosmtpd, `e2e/smtp_server.py`) on a free loopback port, started for one
/// test: it keeps every message it takes and can ask for a password, STARTTLS or TLS from the
/// first byte (offering one sign-in mechanism or both), drop the connection mid-message or answer "try later". Python comes from
/// `RAPPORT_TEST_PYTHON`, else the repository's `.venv` (which `scripts/test` fills).
public final class LocalSMTPServer: Sendable {
    public enum Mode: String, Sendable {
        case plain, starttls, tls
    }

    /// One message the server took.
    public struct Received: Sendable, Decodable {
        public var from: String
        public var to: [String]
        public var messageID: String
        public var tls: Bool
        public var user: String?
        public var data: String?

        enum CodingKeys: String, CodingKey {
            case from, to, tls, user, data
            case messageID = "message_id"
        }
    }

    public let port: Int
    let directory: URL
    let process: Process
    let stdin: Pipe

    init(port: Int, directory: URL, process: Process, stdin: Pipe) {
        self.port = port
        self.directory = directory
        self.process = process
        self.stdin = stdin
    }

    /// What the server has taken so far, in order (none before its log exists). A line that
    /// does not read is an error, never skipped: a test must not count around a broken record.
    public func received() throws -> [Received] {
        let log = directory.appendingPathComponent("received.jsonl")
        guard FileManager.default.fileExists(atPath: log.path) else { return [] }
        return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Received.self, from: Data($0.utf8))
        }
    }

    /// Waits until the server has taken `count` messages (or the time is up); returns them.
    public func waitFor(_ count: Int, within limit: Duration = .seconds(10)) async throws -> [Received] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let now = try received()
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try received()
    }

    /// Runs `body` with a server listening; it is stopped when `body` returns or throws.
    public static func with<T: Sendable>(mode: Mode = .plain, user: String? = nil, password: String? = nil, dropFirst: Int = 0,
                                         failFirst: Int = 0, pipelining: Bool = true, onlyAuth: String? = nil, port: Int? = nil,
                                         _ body: (LocalSMTPServer) async throws -> T) async throws -> T {
        let server = try await start(mode: mode, user: user, password: password, dropFirst: dropFirst, failFirst: failFirst,
                                     pipelining: pipelining, onlyAuth: onlyAuth, port: port)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    public static func start(mode: Mode = .plain, user: String? = nil, password: String? = nil, dropFirst: Int = 0, failFirst: Int = 0,
                             pipelining: Bool = true, onlyAuth: String? = nil, port: Int? = nil) async throws -> LocalSMTPServer {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let environment = ProcessInfo.processInfo.environment
        let python = environment["RAPPORT_TEST_PYTHON"] ?? repository.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestSetupError("no Python with aiosmtpd at \(python): run scripts/test once, or set RAPPORT_TEST_PYTHON")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rapport-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var arguments = [repository.appendingPathComponent("e2e/smtp_server.py").path, "--dir", directory.path, "--mode", mode.rawValue,
                         "--drop-first", String(dropFirst), "--fail-first", String(failFirst)]
        if let user { arguments += ["--user", user, "--password", password ?? ""] }
        if !pipelining { arguments.append("--no-pipelining") }
        if let onlyAuth { arguments += ["--only-auth", onlyAuth] }
        if let port { arguments += ["--port", String(port)] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        // Its output goes to a file, never to a pipe of ours: a pipe held by a child that
        // outlives the test would keep `swift test` waiting for its end.
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)  // not made: the open below says so
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        try output.close()
        let portFile = directory.appendingPathComponent("port")
        for _ in 0..<300 {
            // The server writes the file whole (a rename) once it listens; until then it is not there.
            if FileManager.default.fileExists(atPath: portFile.path), let port = Int(try String(contentsOf: portFile, encoding: .utf8)) {
                return LocalSMTPServer(port: port, directory: directory, process: process, stdin: stdin)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let said: String
        do { said = try String(contentsOf: log, encoding: .utf8) } catch { said = "(its log could not be read: \(error))" }
        kill(process.processIdentifier, SIGKILL)
        throw TestSetupError("the SMTP server did not start: \(said.suffix(2000))")
    }

    /// A port nobody listens on now, free for a server started later on it (a server that
    /// was there and went away).
    public static func freePort() async throws -> Int {
        try await with { $0.port }
    }

    /// Closes its standard input (it exits then) and makes sure it is gone. Best effort by
    /// design: it runs after a test, also one that failed, and must not hide that failure; a
    /// server still running after three seconds is killed, its folder is temporary.
    public func stop() async {
        try? stdin.fileHandleForWriting.close()  // already closed: the server is stopping anyway
        for _ in 0..<60 where process.isRunning {
            try? await Task.sleep(for: .milliseconds(50))  // throws only when cancelled: then it is killed below
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)  // a temporary folder left behind harms nothing
    }
}
