import ArgumentParser
import Foundation
import RapportDomain
import RapportServices

/// `rapport mail ingest`: one e-mail on standard input, as a mail server's pipe hands it over
/// (`| rapport mail ingest` in an alias or a `.forward`). Exits with the codes mail servers
/// understand: 0 taken, 65 (EX_DATAERR) not a message — bounced, 75 (EX_TEMPFAIL) Rapport
/// cannot take it now — the server tries again later.
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mail", abstract: "Incoming e-mail.", subcommands: [Ingest.self])

    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take one RFC 5322 message from standard input onto the right card (or a new lead).")

        func run() async throws {
            let raw = FileHandle.standardInput.readDataToEndOfFile()
            let settings: RuntimeSettings
            do { settings = try RuntimeSettings.load() } catch {
                FileHandle.standardError.write(Data("rapport: \(error)\n".utf8))
                throw ExitCode(75)
            }
            do {
                try await Runtime.with(settings) { runtime in
                    let outcome = try await InboundMailService(env: runtime.services.env).receive(raw: raw)
                    let place = "\(outcome.link.entity) \(outcome.link.id)"
                    print(outcome.duplicate ? "Already taken: \(place)." : "Taken: \(place)\(outcome.newLead ? " (a new lead)" : "").")
                    for note in outcome.skipped { print(note) }
                }
            } catch RapportError.validation(let errors) {
                FileHandle.standardError.write(Data("rapport: \(errors.map(\.message).joined(separator: "; "))\n".utf8))
                throw ExitCode(65)
            } catch let error as ExitCode {
                throw error
            } catch {
                FileHandle.standardError.write(Data("rapport: the message could not be taken now: \(error)\n".utf8))
                throw ExitCode(75)
            }
        }
    }
}
