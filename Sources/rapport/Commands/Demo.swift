import ArgumentParser
import Foundation
import RapportDomain
import RapportServices

/// `rapport demo`: a believable kitchen-furniture maker to try Rapport on; `rapport demo calls`
/// plays its telephone exchange against a running server.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill the database with a demo kitchen-furniture company, or send it a stream of calls.",
        subcommands: [DemoFill.self, DemoCalls.self], defaultSubcommand: DemoFill.self)
}

struct DemoFill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fill", abstract: "Fill the database with the demo company (the default).")

    func run() async throws {
        try await reportingFailures {
            try await Runtime.with(try RuntimeSettings.load(), migrate: true) { runtime in
                let summary = try await DemoService(env: runtime.services.env).fill()
                print("Demo company \"\(summary.companyName)\": \(summary.departments) departments, \(summary.users) users, \(summary.companies) client companies, \(summary.contacts) contacts, \(summary.tasks) tasks, \(summary.interactions) interactions, \(summary.leads) leads, \(summary.deals) deals.")
                print("Sign in as \(summary.adminEmail) with the password \(DemoService.password) (every demo user has it).")
            }
        }
    }
}

/// Sends realistic call events, signed with the demo PBX integration's secret, to a running
/// server's telephony webhook: missed calls from new numbers (new leads with call-back tasks)
/// and from known clients, calls answered by sales managers, outgoing calls.
struct DemoCalls: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calls", abstract: "Send a stream of call events to a running server.")

    @Option(help: "The running server's address.") var server = "http://127.0.0.1:8080"
    @Option(help: "How many calls.") var count = 30
    @Option(help: "New calls per second.") var rate = 2.0
    @Option(help: "Makes the stream repeatable (by default every run differs).") var seed: UInt64?

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be between 1 and 100000") }
        guard rate > 0, rate <= 1000 else { throw ValidationError("--rate must be above 0 and at most 1000") }
        guard let url = URL(string: server), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw ValidationError("--server must be an address such as http://127.0.0.1:8080")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let stream = try await Runtime.with(try RuntimeSettings.load()) { runtime in
                try await DemoCallStream.plan(count: count, seed: seed ?? UInt64(Date().timeIntervalSince1970 * 1000),
                                              env: runtime.services.env)
            }
            let target = server.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/api/v1/telephony/\(stream.integrationID)/events"
            let failures = try await send(stream, to: target)
            var kinds: [DemoCallStream.Kind: Int] = [:]
            for call in stream.calls { kinds[call.kind, default: 0] += 1 }
            let events = stream.calls.reduce(0) { $0 + $1.events.count }
            print("Sent \(stream.calls.count) calls (\(events) events) to \(target): "
                + DemoCallStream.Kind.allCases.compactMap { kind in kinds[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", ") + ".")
            if let first = failures.first {
                throw Failure("\(failures.count) of the calls were refused; the first: \(first)")
            }
        }
    }

    /// Starts a call every 1/rate seconds; a call's events go one after another, 0.2 s apart.
    func send(_ stream: DemoCallStream, to target: String) async throws -> [String] {
        try await withThrowingTaskGroup(of: [String].self) { group in
            for (n, call) in stream.calls.enumerated() {
                if n > 0 { try await Task.sleep(for: .seconds(1 / rate)) }
                group.addTask {
                    var failures: [String] = []
                    for (index, body) in call.events.enumerated() {
                        if index > 0 { try await Task.sleep(for: .milliseconds(200)) }
                        do {
                            _ = try await SignedPost.send(body, to: target, secret: stream.secret, who: "the server")
                        } catch {
                            failures.append("\(call.id): " + ((error as? RapportError).map(Self.describe) ?? "\(error)"))
                            break
                        }
                    }
                    return failures
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}
