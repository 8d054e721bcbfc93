import Crypto
import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Calls from the telephony system (P3), told by its webhook event by event: every event is
/// signed with the integration's secret and handled once (a repeat is recognised by its id),
/// in any order. A missed call from an unknown number becomes a lead (its responsible chosen
/// by the routing rules) with a call-back task; from a known client or an open lead it goes
/// to them. An answered call makes the answering employee the lead's responsible and opens
/// the card for them. Each call ends as an interaction on the card, with its recording.
public struct TelephonyService: Sendable {
    let env: ServiceEnvironment
    let calls = CallStore()
    let integrations = IntegrationStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    public enum Outcome: String, Sendable {
        case recorded, duplicate
    }

    // MARK: receiving

    /// The active telephony integration that signed `body`: `signature` is
    /// `sha256=<hex of HMAC-SHA256(secret, body)>`. Anything else is "unauthenticated", whether
    /// the integration exists or not.
    public func signer(of body: Data, integrationID: Int64, signature: String?, kind: Integration.Kind = .telephony)
        async throws -> Integration
    {
        guard let signature, signature.hasPrefix("sha256="),
              let integration = try await env.database.read({ db in try await self.integrations.find(id: integrationID, on: db) }),
              integration.active, integration.kind == kind,
              SecretGenerator.constantTimeEquals(String(signature.dropFirst(7)).lowercased(), Self.sign(body, secret: integration.secret))
        else { throw RapportError.unauthenticated }
        return integration
    }

    /// Lower-case hex HMAC-SHA256 of `body` with `secret`: how both sides sign.
    public static func sign(_ body: Data, secret: String) -> String {
        SecretGenerator.hex(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// Handles one event of a call; a repeat of an event already handled changes nothing.
    public func handle(_ input: CallEventInput, from integration: Integration) async throws -> (Outcome, Call) {
        let now = env.clock.now()
        let event = try input.checked(now: now)
        return try await env.database.transaction { db in
            var call = try await self.calls.findLocked(integrationID: integration.id, externalID: event.callID, on: db)
            if call == nil {
                call = try await self.calls.insert(
                    Call(integrationID: integration.id, externalID: event.callID, direction: event.direction,
                         clientNumber: event.clientNumber, clientPhone: Phone.normalize(event.clientNumber),
                         lineNumber: event.lineNumber, startedAt: event.at, createdAt: now, updatedAt: now), on: db)
            }
            var current = call!
            let before = current
            guard try await self.calls.addEvent(integrationID: integration.id, eventID: event.eventID, callID: current.id,
                                                kind: event.kind, at: now, on: db)
            else { return (.duplicate, current) }
            if current.lineNumber == nil { current.lineNumber = event.lineNumber }
            let employee = try await self.employee(event.employee, db)
            switch event.kind {
            case .ringing:
                break
            case .answered:
                try await self.answered(&current, by: employee, at: event.at, integration, now, db)
            case .missed:
                try await self.missed(&current, integration, now, db)
            case .finished:
                current.endedAt = event.at
                current.durationSeconds = event.durationSeconds ?? current.durationSeconds
                current.recordingURL = event.recordingURL ?? current.recordingURL
                // Finished before "answered" came: a talk with someone is an answered call.
                if current.answeredAt == nil, employee != nil || current.direction == .outgoing, (event.durationSeconds ?? 0) > 0 {
                    try await self.answered(&current, by: employee, at: event.at, integration, now, db)
                }
                if !current.wasAnswered { try await self.missed(&current, integration, now, db) }
                try await self.log(&current, integration, now, db)
            }
            current.state = current.endedAt != nil ? .finished
                : (current.answeredAt != nil ? .answered : (current.missedHandled ? .missed : .ringing))
            // A ringing of a call already known, or a repeat of its state, changes nothing to write.
            if current != before {
                current.updatedAt = now
                try await self.calls.update(current, on: db)
                current.version += 1
            }
            return (.recorded, current)
        }
    }

    // MARK: what a call makes

    /// Who the call went to: a user by e-mail or by phone; nil when unknown (logged).
    func employee(_ text: String?, _ db: any SQLDatabase) async throws -> User? {
        guard let text else { return nil }
        var user: User?
        if text.contains("@") {
            user = try await UserStore().find(email: Email.normalize(text) ?? text.lowercased(), on: db)
        } else if let phone = Phone.normalize(text) {
            user = try await UserStore().find(phone: phone, on: db)
        }
        if user == nil { env.logger.notice("a call event names an unknown employee", metadata: ["employee": "\(text)"]) }
        return user
    }

    /// The client or open lead with this phone.
    func owner(ofPhone phone: String?, _ db: any SQLDatabase) async throws -> WorkTask.Link? {
        guard let phone else { return nil }
        return try await LeadIntake(env: env).known(phones: [phone], emails: [], db)
    }

    func answered(_ call: inout Call, by employee: User?, at: Date, _ integration: Integration, _ now: Date,
                  _ db: any SQLDatabase) async throws {
        if call.direction == .outgoing {
            // Dialled by one of us (click-to-call): the client picked up; nobody is reassigned or told.
            if call.answeredAt == nil { call.answeredAt = at }
            if call.answeredBy == nil { call.answeredBy = employee?.id }
            if call.link == nil { call.link = try await owner(ofPhone: call.clientPhone, db) }
            return
        }
        guard !call.wasAnswered, let employee else { return }
        call.answeredBy = employee.id
        call.answeredAt = at
        if call.link == nil { call.link = try await owner(ofPhone: call.clientPhone, db) }
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        if let link = call.link, link.entity == "lead" {
            try await LeadService(env: env).reassign(link.id, to: employee.id,
                                                     because: locale == .ru ? "ответил(а) на звонок" : "answered the call", now: now, db)
        } else if call.link == nil, call.direction == .incoming {
            let lead = try await newLead(call, owner: employee.id, integration, locale, db)
            call.link = WorkTask.Link(entity: "lead", id: lead.id)
        }
        if call.missedHandled, let taskID = call.taskID {
            // Taken after all: the call-back is no longer needed.
            try await TaskService(env: env).close(taskID, as: .cancelled, now: now, db)
        }
        let name = try await LeadIntake(env: env).name(of: call.link, db) ?? call.clientNumber
        try await NotificationStore().add(
            AppNotification(userID: employee.id, kind: "call", title: (locale == .ru ? "Звонок: " : "Call: ") + name,
                            body: call.clientNumber, link: call.link.map(Self.path), source: "call:\(call.id)", createdAt: now),
            on: db)
    }

    /// A missed incoming call: to the client or open lead with the number, else a new lead; a
    /// call-back task for its responsible, due within the service level. Once per call.
    func missed(_ call: inout Call, _ integration: Integration, _ now: Date, _ db: any SQLDatabase) async throws {
        guard !call.missedHandled, !call.wasAnswered, call.direction == .incoming else { return }
        call.missedHandled = true
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        if call.link == nil { call.link = try await owner(ofPhone: call.clientPhone, db) }
        let intake = LeadIntake(env: env)
        let ownerID: Int64
        if let link = call.link, let owner = try await intake.owner(of: link, db) {
            ownerID = owner
        } else {
            let lead = try await newLead(call, owner: nil, integration, locale, db)
            call.link = WorkTask.Link(entity: "lead", id: lead.id)
            ownerID = lead.ownerID
            // The first stage's own task ("contact the client") is the call-back.
            if let task = try await StagePlaceStore().firstTask(visitID: lead.place.visitID, on: db) {
                call.taskID = task
                try await log(&call, integration, now, db)
                return
            }
        }
        let name = try await intake.name(of: call.link, db)
        let title = locale == .ru ? "Перезвонить: \(name.map { "\($0), " } ?? "")\(call.clientNumber)"
            : "Call back: \(name.map { "\($0), " } ?? "")\(call.clientNumber)"
        let line = call.lineNumber.map { locale == .ru ? " на линию \($0)" : " to line \($0)" } ?? ""
        let description = (locale == .ru ? "Пропущенный звонок\(line) в " : "Missed call\(line) at ")
            + ISO8601.string(call.startedAt)
        call.taskID = try await intake.answerTask(title, description: description, owner: ownerID, link: call.link,
                                                  within: LeadIntake.answerWithin, now: now, db).id
        try await log(&call, integration, now, db)
    }

    /// A lead out of a call from an unknown number: its responsible given (an answered call),
    /// else chosen by the routing rules, else the integration's default, else an administrator.
    func newLead(_ call: Call, owner: Int64?, _ integration: Integration, _ locale: AppLocale, _ db: any SQLDatabase) async throws
        -> Lead
    {
        var input = LeadInput()
        input.title = (call.wasAnswered ? (locale == .ru ? "Звонок " : "Call ") : (locale == .ru ? "Пропущенный звонок " : "Missed call "))
            + call.clientNumber
        input.phones = [call.clientNumber]
        input.source = integration.settings.source ?? "phone"
        input.ownerID = owner
        return try await LeadIntake(env: env).newLead(input, defaultOwnerID: integration.settings.defaultOwnerID, db)
    }

    /// The call as an interaction on its card (once): kind, direction, duration, recording.
    func log(_ call: inout Call, _ integration: Integration, _ now: Date, _ db: any SQLDatabase) async throws {
        guard call.interactionID == nil else { return }
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        var ownerID = call.answeredBy
        if ownerID == nil, let link = call.link { ownerID = try await LeadIntake(env: env).owner(of: link, db) }
        let intake = LeadIntake(env: env)
        var holder: Int64
        if let ownerID { holder = ownerID } else { holder = try await intake.fallbackOwner(integration.settings.defaultOwnerID, db) }
        let missed = !call.wasAnswered && call.direction == .incoming
        let ru = locale == .ru
        let subject = missed ? (ru ? "Пропущенный звонок" : "Missed call")
            : (call.direction == .incoming ? (ru ? "Входящий звонок" : "Incoming call") : (ru ? "Исходящий звонок" : "Outgoing call"))
        var details: [String] = [(ru ? "Номер: " : "Number: ") + call.clientNumber]
        if let line = call.lineNumber { details.append((ru ? "Линия: " : "Line: ") + line) }
        if let url = call.recordingURL { details.append((ru ? "Запись разговора: " : "Recording: ") + url) }
        var input = InteractionInput(kind: "call", subject: subject, details: details.joined(separator: "\n"),
                                     startAt: ISO8601.string(call.startedAt), direction: call.direction.rawValue,
                                     ownerID: holder, linkEntity: call.link?.entity, linkID: call.link?.id)
        input.status = "held"
        input.state = missed ? "not_done" : "done"
        if let seconds = call.durationSeconds, seconds > 0 { input.durationMinutes = (seconds + 59) / 60 }
        if missed { input.result = ru ? "Не отвечен" : "Not answered" }
        if call.direction == .outgoing, call.answeredAt == nil {
            input.state = "not_done"
            input.result = ru ? "Клиент не ответил" : "The client did not answer"
        }
        call.interactionID = try await intake.log(input, holder: holder, now: now, db)?.id
    }

    static func path(_ link: WorkTask.Link) -> String {
        switch link.entity {
        case "company": "/clients/companies/\(link.id)"
        case "contact": "/clients/contacts/\(link.id)"
        default: "/\(link.entity)s/\(link.id)"
        }
    }
}
