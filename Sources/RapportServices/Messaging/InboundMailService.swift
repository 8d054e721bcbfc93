import Foundation
import NIOConcurrencyHelpers
import RapportDomain
import RapportStore
import SQLKit

/// Incoming e-mail (P8): a message piped in by the mail server (`rapport mail ingest`) or
/// posted (`POST /api/v1/inbound/email`) lands on the right card — the thread it answers (by
/// In-Reply-To / References: our sent e-mails and earlier incoming ones), else the client or
/// open lead with the sender's address, else a new lead (source "e-mail") routed like any
/// request — as an incoming e-mail interaction, its files among the record's files. A new
/// request is answered by the `request_received` template, never twice a day to one sender
/// and never to a machine (Auto-Submitted, Precedence, lists, bounces), so two auto-answering
/// systems cannot loop. The same Message-ID twice is taken once.
public struct InboundMailService: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public struct Outcome: Sendable, Equatable {
        public var link: WorkTask.Link
        /// The message was taken before (its Message-ID): nothing new.
        public var duplicate: Bool
        public var newLead: Bool
        public var interactionID: Int64?
        public var files: Int
        /// Files not kept (over the size limit), each with why.
        public var skipped: [String]
        public var autoReplyID: Int64?
    }

    /// An answer to a request goes out at most once a day to the same address.
    static let autoReplyEvery: TimeInterval = 86_400
    static let maxDetails = 20_000

    public func receive(raw: Data) async throws -> Outcome {
        let mail: ParsedMail
        do { mail = try MIMEParser.parse(raw) } catch {
            throw RapportError.invalid("message", "malformed", "the message does not read: \(error.description)")
        }
        return try await receive(mail)
    }

    public func receive(_ mail: ParsedMail) async throws -> Outcome {
        guard let sender = mail.from, let address = Email.normalize(sender.address) else {
            throw RapportError.invalid("from", "invalid", "the message's sender is not an e-mail address")
        }
        let now = env.clock.now()
        let intake = LeadIntake(env: env)
        let written = NIOLockedValueBox<[String]>([])
        do {
            return try await env.database.transaction { db -> Outcome in
                if let id = mail.messageID, let known = try await InboundMailStore().link(ofReceived: id, on: db) {
                    return Outcome(link: known, duplicate: true, newLead: false, interactionID: nil, files: 0, skipped: [], autoReplyID: nil)
                }
                let settings = try await SettingsStore().get(on: db)
                let locale = settings?.locale ?? .en
                // Files first: what was not kept is said in the interaction.
                var skipped: [String] = []
                let kept = mail.attachments.filter { file in
                    guard file.data.count <= self.env.maxAttachmentBytes else {
                        let size = String(format: "%.1f", Double(file.data.count) / 1_048_576)
                        skipped.append(locale == .ru
                            ? "Файл «\(file.fileName)» (\(size) МБ) больше предела \(self.env.maxAttachmentBytes >> 20) МБ и не сохранён."
                            : "The file \"\(file.fileName)\" (\(size) MB) is over the \(self.env.maxAttachmentBytes >> 20) MB limit and was not kept.")
                        return false
                    }
                    return !file.data.isEmpty
                }
                let subject = mail.subject.isEmpty ? (locale == .ru ? "(без темы)" : "(no subject)") : String(mail.subject.prefix(300))
                var details = String(mail.text.prefix(Self.maxDetails - 2000))
                if !skipped.isEmpty { details += "\n\n" + skipped.joined(separator: "\n") }
                let entry = InteractionInput(kind: Interaction.Kind.email.rawValue, subject: subject, details: details,
                                             startAt: ISO8601.string(mail.date ?? now), direction: "incoming")
                var link: WorkTask.Link
                var newLead = false
                var interaction: Interaction?
                if let thread = try await self.thread(of: mail, db), let owner = try await intake.owner(of: thread, db) {
                    link = thread
                    var input = entry
                    (input.linkEntity, input.linkID) = (thread.entity, thread.id)
                    interaction = try await intake.log(input, holder: owner, now: now, db)
                    let who = try await intake.name(of: thread, db) ?? address
                    _ = try await intake.answerTask((locale == .ru ? "Ответить на письмо: " : "Answer the e-mail: ") + who, description: subject,
                                                    owner: owner, link: thread, within: LeadIntake.answerWithin, now: now, db)
                } else {
                    var lead = LeadInput()
                    lead.title = subject
                    lead.emails = [address]
                    lead.source = "e-mail"
                    if let name = sender.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
                        let parts = name.split(separator: " ").map(String.init)
                        (lead.firstName, lead.lastName) = parts.count >= 2 ? (parts[0], parts.dropFirst().joined(separator: " ")) : (name, nil)
                    }
                    let existing = try await intake.known(phones: [], emails: [address], db)
                    (link, interaction) = try await intake.receive(lead, kind: .email, subject: subject, details: details, defaultOwnerID: nil,
                                                                   now: now, db)
                    newLead = existing == nil && link.entity == "lead"
                }
                // The files, among the record's.
                var files = 0
                if let owner = AttachmentService.Owner(rawValue: link.entity) {
                    let attachments = AttachmentService(env: self.env)
                    for file in kept {
                        let upload = try attachments.store(fileName: file.fileName, contentType: file.contentType, bytes: file.data, to: owner,
                                                           link.id, by: nil)
                        written.withLockedValue { $0.append(upload.storageName) }
                        _ = try await attachments.insert(upload, on: db)
                        files += 1
                    }
                }
                let reply = try await self.autoReply(to: mail, address: address, link: link, newRequest: newLead, locale: locale, now: now, db)
                try await InboundMailStore().insert(
                    .init(messageID: mail.messageID, fromAddress: address, subject: subject, link: link, interactionID: interaction?.id,
                          autoReplyID: reply?.id, receivedAt: now),
                    on: db)
                return Outcome(link: link, duplicate: false, newLead: newLead, interactionID: interaction?.id, files: files, skipped: skipped,
                               autoReplyID: reply?.id)
            }
        } catch {
            env.files.remove(written.withLockedValue { $0 })
            throw error
        }
    }

    /// The record an earlier message of the thread is about: one we sent, or one we received.
    func thread(of mail: ParsedMail, _ db: any SQLDatabase) async throws -> WorkTask.Link? {
        let ids = ([mail.inReplyTo].compactMap { $0 } + mail.references.reversed()).prefix(20)
        for id in ids {
            if let link = try await InboundMailStore().link(ofThreadMessage: id, on: db) { return link }
        }
        return nil
    }

    /// "We received your request", to a person (not a machine) who made a new request, at
    /// most once a day — marked `Auto-Submitted: auto-replied` so the other side does not answer it.
    func autoReply(to mail: ParsedMail, address: String, link: WorkTask.Link, newRequest: Bool, locale: AppLocale, now: Date,
                   _ db: any SQLDatabase) async throws -> OutboxMessage? {
        guard newRequest, !mail.isAutomatic, link.entity == "lead" else { return nil }
        // Our own address (a message that came back round) is never answered.
        let ours = try await IntegrationStore().list(on: db).compactMap { $0.settings.smtp?.fromAddress }
        guard !ours.contains(address) else { return nil }
        let since = now.addingTimeInterval(-Self.autoReplyEvery)
        if try await InboundMailStore().autoReplied(to: address, since: since, on: db) { return nil }
        guard let template = try await TemplateStore().find(kind: .email, code: "request_received", locale: locale, on: db) else { return nil }
        let filled = try await TemplateService(env: env).render(template, for: link, now: now, db)
        var message = OutboxMessage(channel: .email, recipient: address, subject: filled.subject, body: filled.text,
                                    html: filled.html.isEmpty ? nil : filled.html, link: link, templateVersionID: filled.versionID, createdAt: now)
        message.inReplyTo = mail.messageID
        message.autoReply = true
        let queued = try await OutboxService(env: env).queue(message, db)
        try await EventRecorder(clock: env.clock, authCache: env.authCache).record(
            link.entity, link.id, .updated, changes: [FieldChange(field: "message", old: nil, new: OutboxService.describe(queued, .queued, nil))],
            by: nil, on: db)
        return queued
    }
}
