import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Who takes a lead that came by itself (P5): the routing rules, kept by administrators (the
/// settings right), and the choice they make — which the lead's history explains.
public struct RoutingService: Sendable {
    let env: ServiceEnvironment
    let store = RoutingRuleStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// A choice made: the rule, the person, why.
    struct Routed: Sendable {
        var rule: RoutingRule
        var choice: RoutingChoice
        var name: String
    }

    // MARK: settings

    public func list(by principal: Principal) async throws -> [RoutingRule] {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.store.list(on: db) }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> RoutingRule {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in try await self.found(id, db) }
    }

    public func create(_ input: RoutingRuleInput, by principal: Principal?) async throws -> RoutingRule {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var rule = RoutingRule(name: "", position: try await self.store.nextPosition(on: db))
            var v = Validator()
            if input.name == nil { v.add("name", "required", "name is required") }
            if input.pool == nil { v.add("pool", "required", "pool is required") }
            try await self.apply(input, to: &rule, db, &v)
            try v.throwIfInvalid()
            rule.id = try await self.store.insert(rule, now: now, on: db)
            try await self.events.record("routing_rule", rule.id, .created, changes: Self.changes(nil, rule), by: principal?.userID,
                                         on: db)
            return rule
        }
    }

    public func update(_ id: Int64, _ input: RoutingRuleInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> RoutingRule
    {
        try Access.requireAny(principal, .update, .settings)
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let before = try await self.found(id, db)
            try Access.requireVersion(expectedVersion, current: before.version)
            var rule = before
            var v = Validator()
            try await self.apply(input, to: &rule, db, &v)
            try v.throwIfInvalid()
            guard let version = try await self.store.update(rule, expectedVersion: before.version, now: now, on: db) else {
                throw RapportError.stale(currentVersion: try await self.found(id, db).version)
            }
            rule.version = version
            try await self.events.record("routing_rule", id, .updated, changes: Self.changes(before, rule), by: principal.userID,
                                         on: db)
            return rule
        }
    }

    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try Access.requireAny(principal, .update, .settings)
        try await env.database.transaction { db in
            let rule = try await self.found(id, db)
            try Access.requireVersion(expectedVersion, current: rule.version)
            try await self.store.delete(id: id, on: db)
            try await self.events.record("routing_rule", id, .deleted, changes: Self.changes(rule, nil), by: principal.userID, on: db)
        }
    }

    func found(_ id: Int64, _ db: any SQLDatabase) async throws -> RoutingRule {
        guard let rule = try await store.find(id: id, on: db) else { throw RapportError.notFound(entity: "routing_rule") }
        return rule
    }

    func apply(_ input: RoutingRuleInput, to rule: inout RoutingRule, _ db: any SQLDatabase, _ v: inout Validator) async throws {
        if input.name != nil { rule.name = v.requireText(input.name, field: "name", maxLength: 100) }
        if let position = input.position {
            if position < 0 { v.add("position", "out_of_range", "position must be 0 or more") } else { rule.position = position }
        }
        if let active = input.active { rule.active = active }
        if let text = input.condition {
            let known = try await PipelineService(env: env).knownFields(.lead, db)
            rule.condition = PipelineService.condition(text, known: known, of: .lead, &v)
        }
        if let text = input.strategy {
            if let strategy = RoutingRule.Strategy(rawValue: text) { rule.strategy = strategy } else {
                v.add("strategy", "invalid",
                      "strategy must be one of \(RoutingRule.Strategy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let pool = input.pool {
            var checked = RoutingRule.Pool(userIDs: pool.userIDs ?? [], departmentID: pool.departmentID, roleID: pool.roleID)
            if checked.userIDs.count > 200 { v.add("pool.user_ids", "too_many", "at most 200 people") }
            let found = Set(try await UserStore().find(ids: checked.userIDs, on: db).map(\.id))
            for (index, id) in checked.userIDs.enumerated() where !found.contains(id) {
                v.add("pool.user_ids[\(index)]", "not_found", "no user with id \(id)")
            }
            checked.userIDs = checked.userIDs.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            if let department = checked.departmentID, try await DepartmentStore().find(id: department, on: db) == nil {
                v.add("pool.department_id", "not_found", "no department with id \(department)")
            }
            if let role = checked.roleID, try await RoleStore().find(id: role, on: db) == nil {
                v.add("pool.role_id", "not_found", "no role with id \(role)")
            }
            if checked.isEmpty { v.add("pool", "required", "the pool needs people, a department or a role") }
            rule.pool = checked
        }
        if let fallback = input.fallbackUserID {
            if fallback == 0 { rule.fallbackUserID = nil } else if let user = try await UserStore().find(id: fallback, on: db), user.isActive {
                rule.fallbackUserID = fallback
            } else {
                v.add("fallback_user_id", "not_found", "no active user with id \(fallback)")
            }
        }
    }

    /// The rule's settings as its history shows them.
    static func changes(_ before: RoutingRule?, _ after: RoutingRule?) -> [FieldChange] {
        func fields(_ r: RoutingRule?) -> [(String, String?)] {
            guard let r else { return [] }
            return [("name", r.name), ("position", String(r.position)), ("active", String(r.active)), ("condition", r.condition),
                    ("pool", JSONText.encode(r.pool)), ("strategy", r.strategy.rawValue),
                    ("fallback_user_id", r.fallbackUserID.map(String.init))]
        }
        return PipelineRecordRules.changes(fields(before), fields(after))
    }

    // MARK: choosing

    /// Whom the rules give a new lead now, or nil when no rule takes it (or a rule's pool is empty
    /// and it has no fallback): the caller decides then. The rule remembers its choice.
    func route(_ lead: Lead, now: Date, excluding: Set<Int64> = [], _ db: any SQLDatabase) async throws -> Routed? {
        let rules = try await store.list(on: db).filter(\.active)
        guard !rules.isEmpty else { return nil }
        var facts = GateFacts(fields: lead.gateFields)
        // A condition that no longer reads takes nothing (`applies`), so it needs no clock either.
        if rules.contains(where: { if case .success(let condition)? = $0.readCondition { condition.readsWorkingTime } else { false } }) {
            facts.workingTime = try await WorkCalendarService(env: env).calendar(on: db).isWorkingTime(now)
        }
        for rule in rules where rule.applies(to: facts) {
            let members = try await store.members(of: rule.pool, on: db).filter { !excluding.contains($0.id) }
            let calendars = try await WorkCalendarService(env: env).calendars(for: members.filter(\.isActive), on: db)
            let open = rule.strategy == .leastLoaded ? try await store.openLeads(of: members.map(\.id), on: db) : [:]
            let candidates = members.map { user in
                RoutingCandidate(userID: user.id, name: user.displayName,
                                 absence: Self.absence(user, calendar: calendars[user.id], now: now), openLeads: open[user.id] ?? 0)
            }
            let choice = RoutingChoice.choose(rule.strategy, among: candidates, lastUserID: rule.lastUserID)
            if let choice {
                try await store.setLastUser(ruleID: rule.id, userID: choice.userID, on: db)
                return Routed(rule: rule, choice: choice, name: members.first { $0.id == choice.userID }?.displayName ?? "")
            }
            if let fallback = rule.fallbackUserID, !excluding.contains(fallback), let user = try await UserStore().find(id: fallback, on: db),
               user.isActive {
                return Routed(rule: rule, choice: RoutingChoice(userID: fallback, reason: .fallback(absent: members.count)),
                              name: user.displayName)
            }
            env.logger.warning("a routing rule could choose no one and has no fallback", metadata: ["rule": "\(rule.id)"])
        }
        return nil
    }

    static func absence(_ user: User, calendar: BusinessCalendar?, now: Date) -> RoutingCandidate.Absence? {
        guard user.isActive else { return .disabled }
        switch user.workingStatus {
        case .busy: return .busy
        case .away: return .away
        case .off: return .off
        case .available: break
        }
        if let calendar, !calendar.isWorkingTime(now) { return .offHours }
        return nil
    }

    /// Writes the choice into the lead's history; a fallback is told to the pool's head (of the
    /// rule's department, else of the fallback's own), who should see why no one could take it.
    func record(_ routed: Routed, lead: Lead, now: Date, _ db: any SQLDatabase) async throws {
        let locale = try await SettingsStore().get(on: db)?.locale ?? .en
        let text = routed.choice.explanation(rule: routed.rule.name, name: routed.name, locale)
        try await events.record("lead", lead.id, .updated, changes: [FieldChange(field: "routing", old: nil, new: text)], by: nil,
                                on: db)
        guard case .fallback = routed.choice.reason else { return }
        var departmentID = routed.rule.pool.departmentID
        if departmentID == nil { departmentID = try await UserStore().find(id: routed.choice.userID, on: db)?.departmentID }
        guard let departmentID, let head = try await DepartmentStore().find(id: departmentID, on: db)?.headUserID,
              head != routed.choice.userID
        else { return }
        try await NotificationStore().add(
            AppNotification(userID: head, kind: "routing_fallback", title: lead.title, body: text, link: "/leads/\(lead.id)",
                            source: "routing:\(lead.id)", createdAt: now),
            on: db)
    }
}
