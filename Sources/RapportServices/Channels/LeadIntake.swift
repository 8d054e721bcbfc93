import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// A request that came by itself — a call, a form, a message — taken in one way: from a known
/// client or an open lead (by a phone or an e-mail) it goes to them (an interaction on their
/// card and a task for their responsible); otherwise it becomes a lead whose responsible the
/// routing rules choose (else the channel's default, else an administrator).
struct LeadIntake: Sendable {
    let env: ServiceEnvironment

    /// How soon a request to a known client or lead is to be answered, in working hours.
    static let answerWithin = 10.0 / 60

    /// The contact, company or newest open lead with one of these phones (E.164) or e-mails.
    func known(phones: [String], emails: [String], _ db: any SQLDatabase) async throws -> WorkTask.Link? {
        let channels = ChannelStore()
        let wanted = phones.map { (ChannelKind.phone, $0) } + emails.map { (ChannelKind.email, $0) }
        for entity in ["contact", "company"] {
            for (kind, value) in wanted {
                if let id = try await channels.owners(entity: entity, kind: kind, normalized: value, on: db).first {
                    return WorkTask.Link(entity: entity, id: id)
                }
            }
        }
        for (kind, value) in wanted {
            for id in try await channels.owners(entity: "lead", kind: kind, normalized: value, on: db).reversed() {
                if let lead = try await LeadStore().find(id: id, on: db), lead.place.closedAt == nil, lead.conversion == nil {
                    return WorkTask.Link(entity: "lead", id: id)
                }
            }
        }
        return nil
    }

    /// A new lead out of the request: its responsible given, else routed, else `defaultOwnerID`,
    /// else an administrator.
    func newLead(_ input: LeadInput, defaultOwnerID: Int64?, _ db: any SQLDatabase) async throws -> Lead {
        let leads = LeadService(env: env)
        do {
            return try await leads.create(input, by: nil, on: db)
        } catch RapportError.validation(let errors) where input.ownerID == nil && errors.contains(where: { $0.field == "owner_id" }) {
            var owned = input
            owned.ownerID = try await fallbackOwner(defaultOwnerID, db)
            return try await leads.create(owned, by: nil, on: db)
        }
    }

    /// Who takes a channel's lead when no routing rule does.
    func fallbackOwner(_ defaultOwnerID: Int64?, _ db: any SQLDatabase) async throws -> Int64 {
        if let id = defaultOwnerID, let user = try await UserStore().find(id: id, on: db), user.isActive { return id }
        guard let admin = try await db.raw("""
            SELECT users.id FROM users JOIN roles ON roles.id = users.role_id
            WHERE users.is_active = TRUE AND roles.key = 'administrator' ORDER BY users.id LIMIT 1
            """).first()?.decode(column: "id", as: Int64.self)
        else { throw RapportError.unavailable("no active administrator to take the request") }
        return admin
    }

    /// The responsible of a client or lead.
    func owner(of link: WorkTask.Link, _ db: any SQLDatabase) async throws -> Int64? {
        try await SearchStore().summaries([(link.entity, link.id)], on: db)[link.entity]?[link.id]?.ownership.ownerID
    }

    func name(of link: WorkTask.Link?, _ db: any SQLDatabase) async throws -> String? {
        guard let link else { return nil }
        return try await SearchStore().summaries([(link.entity, link.id)], on: db)[link.entity]?[link.id]?.name
    }

    /// Logs the request as an interaction about `link` (or no record), on behalf of `holder`.
    func log(_ input: InteractionInput, holder: Int64, now: Date, _ db: any SQLDatabase) async throws -> Interaction? {
        guard let actor = try await AuthService.system(actingFor: holder, on: db) else { return nil }
        var owned = input
        owned.ownerID = holder
        return try await InteractionService(env: env).insert(owned, parent: nil, now: now, principal: actor, db)
    }

    /// A task to answer the request, for `owner`, due within `hours` of their working time.
    func answerTask(_ title: String, description: String?, owner: Int64, link: WorkTask.Link?, within hours: Double, now: Date,
                    _ db: any SQLDatabase) async throws -> WorkTask {
        let input = TaskInput(title: String(title.prefix(300)), description: description, ownerID: owner, priority: "high",
                              linkEntity: link?.entity, linkID: link?.id)
        let calendar = try await WorkCalendarService(env: env).calendar(forUser: owner, on: db)
        let tasks = TaskService(env: env)
        return try await tasks.save(try await tasks.prepare(input, due: .workingHours(hours), calendar: calendar, now: now, by: nil, db),
                                    now: now, by: nil, db)
    }

    /// Takes in a written request (a form, a message): to the record its conversation is about
    /// (a messenger chat's), else the known client or open lead with its phone or e-mail — an
    /// interaction of `kind` and a task for their responsible — or a new lead.
    @discardableResult
    func receive(_ input: LeadInput, kind: Interaction.Kind, subject: String, details: String, defaultOwnerID: Int64?,
                 conversation: WorkTask.Link? = nil, now: Date, _ db: any SQLDatabase) async throws -> (link: WorkTask.Link, interaction: Interaction?) {
        let phones = (input.phones ?? []).compactMap { Phone.normalize($0) }
        let emails = (input.emails ?? []).compactMap { Email.normalize($0) }
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        var found = conversation
        if let link = found, try await owner(of: link, db) == nil { found = nil }  // the chat's record was deleted
        if found == nil { found = try await known(phones: phones, emails: emails, db) }
        if let link = found, let owner = try await owner(of: link, db) {
            let logged = try await log(InteractionInput(kind: kind.rawValue, subject: subject, details: details, startAt: ISO8601.string(now),
                                                        direction: "incoming", linkEntity: link.entity, linkID: link.id),
                                       holder: owner, now: now, db)
            let who = try await name(of: link, db) ?? ""
            _ = try await answerTask((locale == .ru ? "Ответить на заявку: " : "Answer the request: ") + who, description: details,
                                     owner: owner, link: link, within: Self.answerWithin, now: now, db)
            return (link, logged)
        }
        let lead = try await newLead(input, defaultOwnerID: defaultOwnerID, db)
        let link = WorkTask.Link(entity: "lead", id: lead.id)
        let logged = try await log(InteractionInput(kind: kind.rawValue, subject: subject, details: details, startAt: ISO8601.string(now),
                                                    direction: "incoming", linkEntity: "lead", linkID: lead.id),
                                   holder: lead.ownerID, now: now, db)
        return (link, logged)
    }
}
