import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The durable outbox (P8): messages are queued in the transaction of the change that asks
/// for them and delivered by a worker — claimed under a lease, sent outside any transaction,
/// retried with growing pauses (`OutboxPolicy`), failed for good with the reason after the
/// last try, resendable. Each try's end goes on the record's history: sent, failed, delivered.
public struct OutboxService: Sendable {
    let env: ServiceEnvironment
    let store = OutboxStore()
    let events: EventRecorder

    /// How long a worker may take over a message before another may take it over.
    static let lease: TimeInterval = 300

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// Queues a message in the caller's transaction.
    func queue(_ message: OutboxMessage, _ db: any SQLDatabase) async throws -> OutboxMessage {
        try await store.queue(message, on: db)
    }

    /// The messages about a record the principal may read, newest first.
    public func messages(of link: WorkTask.Link, by principal: Principal) async throws -> [OutboxMessage] {
        try await env.database.read { db in
            guard try await LinkAccess.readableOwnership(link, principal, db) != nil else { throw RapportError.notFound(entity: link.entity) }
            return try await self.store.list(link: link, on: db)
        }
    }

    /// One message about a record the principal may read.
    public func message(_ id: Int64, by principal: Principal) async throws -> OutboxMessage {
        try await env.database.read { db in
            guard let message = try await self.store.find(id: id, on: db), let link = message.link,
                  try await LinkAccess.readableOwnership(link, principal, db) != nil
            else { throw RapportError.notFound(entity: "message") }
            return message
        }
    }

    /// A failed message queued again, on a record the principal may change.
    public func resend(_ id: Int64, by principal: Principal) async throws -> OutboxMessage {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let message = try await self.store.find(id: id, on: db), let link = message.link,
                  let ownership = try await LinkAccess.readableOwnership(link, principal, db)
            else { throw RapportError.notFound(entity: "message") }
            try Access.require(principal, .update, WorkTask.Link.entities[link.entity] ?? .lead, record: ownership)
            guard try await self.store.requeue(id, now: now, on: db) else {
                throw RapportError.conflict("only a failed message can be sent again (this one is \(message.state.rawValue))")
            }
            try await self.events.record(link.entity, link.id, .updated,
                                         changes: [FieldChange(field: "message", old: nil, new: Self.describe(message, .queued, nil))],
                                         by: principal.userID, on: db)
            return try await self.store.find(id: id, on: db)!
        }
    }

    // MARK: delivery

    /// Delivers the messages due now on the channels that can send (`limit` at most, `parallel`
    /// at once; e-mails share `parallel / 2` SMTP sessions); returns how many were tried. The
    /// outcomes are written together, in one transaction, once every try has ended.
    @discardableResult
    public func deliverDue(limit: Int = 100, parallel: Int = 8) async throws -> Int {
        let now = env.clock.now()
        let senders = try await env.database.read { db in try await IntegrationStore().list(on: db).filter(\.active) }
        let gateway = senders.first { $0.kind == .smsGateway && $0.settings.sms != nil }
        let mail = senders.first { $0.kind == .smtp && $0.settings.smtp != nil }
        let connectors = senders.filter { $0.kind == .leadWebhook && $0.settings.messenger != nil }
        let channels: [OutboxMessage.Channel] = [.webhook] + (gateway != nil ? [.sms] : []) + (mail != nil ? [.email] : [])
            + (connectors.isEmpty ? [] : [.messenger])
        let due = try await env.database.transaction { db in
            try await self.store.claimDue(now: now, lease: Self.lease, limit: limit, channels: channels, on: db)
        }
        guard !due.isEmpty else { return 0 }
        let emails = due.filter { $0.channel == .email }
        let others = due.filter { $0.channel != .email }
        let results = try await withThrowingTaskGroup(of: [EmailDelivery.Result].self) { group in
            if let mail, let settings = mail.settings.smtp, !emails.isEmpty {
                group.addTask { await EmailDelivery(env: self.env, integration: mail, settings: settings).deliver(emails, sessions: max(1, parallel / 2)) }
            }
            var next = others.makeIterator()
            func start() {
                guard let message = next.next() else { return }
                group.addTask { [message] in
                    let outcome = try await self.deliver(message, gateway: gateway, connectors: connectors)
                    return [EmailDelivery.Result(message: message, outcome: outcome, messageID: "")]
                }
            }
            for _ in 0..<min(parallel, others.count) { start() }
            var all: [EmailDelivery.Result] = []
            while let finished = try await group.next() {
                all += finished
                start()
            }
            return all
        }
        try await record(results)
        return due.count
    }

    /// One SMS, messenger reply or webhook call handed over.
    func deliver(_ message: OutboxMessage, gateway: Integration?, connectors: [Integration]) async throws -> DeliveryOutcome {
        switch message.channel {
        case .sms:
            guard let settings = gateway?.settings.sms else { return .retry("no SMS gateway is set up") }
            return await HTTPGateway(settings: settings).send(message)
        case .messenger:
            // Its chat's integration: switched off or without a connector, the reply waits for it.
            guard let settings = connectors.first(where: { $0.id == message.integrationID })?.settings.messenger else {
                return .retry("the messenger's outgoing connector is not set up or is switched off")
            }
            return await HTTPGateway(settings: settings).send(message)
        case .webhook:
            return try await WebhookService(env: env).send(message)
        case .email:
            return .retry("no SMTP server is set up")
        }
    }

    /// Writes what became of each try: sent, queued again after its pause, or failed for good.
    func record(_ results: [EmailDelivery.Result]) async throws {
        let now = env.clock.now()
        try await env.database.transaction { db in
            for result in results.sorted(by: { $0.message.id < $1.message.id }) {
                let message = result.message
                let messageID = result.messageID.isEmpty ? nil : result.messageID
                switch result.outcome {
                case .sent(let providerID):
                    try await self.store.finish(message.id, state: .sent, error: nil, retryAt: nil, providerID: providerID,
                                                messageID: messageID, now: now, on: db)
                    try await self.tell(message, .sent, nil, now, db)
                case .retry(let reason) where message.attempts < OutboxPolicy.maxAttempts:
                    let retryAt = now.addingTimeInterval(OutboxPolicy.delay(afterAttempt: message.attempts))
                    try await self.store.finish(message.id, state: .queued, error: reason, retryAt: retryAt, providerID: nil,
                                                messageID: messageID, now: now, on: db)
                case .retry(let reason), .failed(let reason):
                    try await self.store.finish(message.id, state: .failed, error: reason, retryAt: nil, providerID: nil,
                                                messageID: messageID, now: now, on: db)
                    try await self.tell(message, .failed, reason, now, db)
                }
            }
        }
    }

    /// The record's history says what became of the message.
    func tell(_ message: OutboxMessage, _ state: OutboxMessage.State, _ reason: String?, _ now: Date, _ db: any SQLDatabase) async throws {
        guard let link = message.link else { return }
        try await events.record(link.entity, link.id, .updated,
                                changes: [FieldChange(field: "message", old: nil, new: Self.describe(message, state, reason))],
                                by: nil, on: db)
    }

    static func describe(_ message: OutboxMessage, _ state: OutboxMessage.State, _ reason: String?) -> String {
        "\(message.channel.label) → \(message.recipient): \(state.rawValue)" + (reason.map { " (\($0))" } ?? "")
    }

    // MARK: delivery reports

    /// A gateway's delivery report (its own JSON or form fields), to the integration whose
    /// secret it carries: the message it names becomes delivered or failed, once.
    public func report(integrationID: Int64, token: String?, fields: [String: String]) async throws -> Bool {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            guard let token, let integration = try await IntegrationStore().find(id: integrationID, on: db),
                  integration.kind == .smsGateway, integration.active, let settings = integration.settings.sms,
                  SecretGenerator.constantTimeEquals(token, integration.secret)
            else { throw RapportError.unauthenticated }
            guard let providerID = fields[settings.reportIDField], !providerID.isEmpty else {
                throw RapportError.invalid(settings.reportIDField, "required", "the report names no message (\(settings.reportIDField))")
            }
            let status = fields[settings.reportStatusField]?.lowercased() ?? ""
            let delivered = settings.deliveredValues.contains { $0.lowercased() == status }
            let failed = settings.failedValues.contains { $0.lowercased() == status }
            guard delivered || failed else { return false }  // an interim status (queued at the operator …)
            guard let message = try await self.store.find(providerID: providerID, channel: .sms, on: db) else {
                throw RapportError.notFound(entity: "message")
            }
            let reason = failed ? "the gateway reported \(status)" : nil
            guard try await self.store.report(message.id, delivered: delivered, error: reason, at: now, on: db) else { return false }
            try await self.tell(message, delivered ? .delivered : .failed, reason, now, db)
            return true
        }
    }
}
