import Foundation
import RapportDomain
import RapportStore

/// Hands the outbox's e-mails to the company's SMTP server: the due messages split among a
/// few sessions, each sending its share one after another on one connection, and opening a new
/// connection when the server dropped the last. A message keeps its Message-ID from its first
/// try, so a server that took a message and then lost the connection before saying so gets
/// the same message again, recognisably.
struct EmailDelivery {
    let env: ServiceEnvironment
    let settings: SMTPSettings
    let password: String

    init(env: ServiceEnvironment, integration: Integration, settings: SMTPSettings) {
        self.env = env
        self.settings = settings
        self.password = integration.secret
    }

    /// One message's outcome and the Message-ID it went with.
    struct Result: Sendable {
        var message: OutboxMessage
        var outcome: DeliveryOutcome
        var messageID: String
    }

    func deliver(_ messages: [OutboxMessage], sessions: Int) async -> [Result] {
        guard !messages.isEmpty else { return [] }
        let lanes = max(1, min(sessions, messages.count))
        let shares = (0..<lanes).map { lane in stride(from: lane, to: messages.count, by: lanes).map { messages[$0] } }
        return await withTaskGroup(of: [Result].self) { group in
            for share in shares { group.addTask { await self.send(share) } }
            var all: [Result] = []
            for await results in group { all += results }
            return all
        }
    }

    /// Sends `messages` in order on one session, reconnecting when the server drops it.
    func send(_ messages: [OutboxMessage]) async -> [Result] {
        let client = SMTPClient(settings: settings, password: password.isEmpty ? nil : password)
        // Given before the first try, so that every try of a message carries the same one.
        let messageIDs = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0.messageID ?? MIMEMessage.newMessageID(domain: settings.senderDomain)) })
        var results: [Result] = []
        var pending = messages[...]
        while let current = pending.first {
            var opened = false
            do {
                try await client.session { session in
                    opened = true
                    while let message = pending.first {
                        let messageID = messageIDs[message.id]!
                        let outcome: DeliveryOutcome
                        do {
                            let data = try await mime(message, messageID: messageID).rendered()
                            try await session.send(from: settings.fromAddress, to: message.recipient, data: data)
                            outcome = .sent(providerID: nil)
                        } catch let error as SMTPError where error.sessionUsable {
                            outcome = error.isPermanent ? .failed(error.description) : .retry(error.description)
                        } catch let missing as MissingFile {
                            outcome = .failed("the attached file \(missing.attachmentID) is no longer there")
                        }
                        results.append(Result(message: message, outcome: outcome, messageID: messageID))
                        pending.removeFirst()
                    }
                }
            } catch {
                let reason = (error as? SMTPError)?.description ?? "\(error)"
                // No session at all: every message waits. A session lost: the message it was on waits, the rest go on a new one.
                let waiting = opened ? pending.prefix(1) : pending
                results += waiting.map { Result(message: $0, outcome: .retry(reason), messageID: messageIDs[$0.id]!) }
                pending.removeFirst(waiting.count)
                if !opened { env.logger.warning("the SMTP server is not available", metadata: ["error": "\(reason)", "message": "\(current.id)"]) }
            }
        }
        return results
    }

    struct MissingFile: Error {
        var attachmentID: Int64
    }

    /// The message as MIME: the company's sender, the text and HTML, the files it names.
    func mime(_ message: OutboxMessage, messageID: String) async throws -> MIMEMessage {
        var mime = MIMEMessage(from: MailAddress(settings.fromAddress, name: settings.fromName), to: [MailAddress(message.recipient)],
                               subject: message.subject ?? "", text: message.body, html: message.html, messageID: messageID,
                               date: env.clock.now())
        if let inReplyTo = message.inReplyTo {
            mime.inReplyTo = inReplyTo
            mime.references = [inReplyTo]
        }
        if message.autoReply {
            // RFC 3834: other systems must not answer it; Exchange's own flag too.
            mime.extraHeaders += [.init("Auto-Submitted", "auto-replied"), .init("X-Auto-Response-Suppress", "All")]
        }
        if !message.attachmentIDs.isEmpty {
            let files = try await env.database.read { db in
                try await message.attachmentIDs.asyncMap { id in try await AttachmentStore().find(id: id, on: db) }
            }
            for (id, file) in zip(message.attachmentIDs, files) {
                guard let file, let path = env.files.path(file.storageName), let data = FileManager.default.contents(atPath: path) else {
                    throw MissingFile(attachmentID: id)
                }
                mime.attachments.append(.init(fileName: file.fileName, contentType: file.contentType, data: data))
            }
        }
        return mime
    }
}
