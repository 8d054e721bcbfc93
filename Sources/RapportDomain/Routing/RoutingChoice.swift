import Foundation

/// A person of a rule's pool as the choice sees them now.
public struct RoutingCandidate: Equatable, Sendable {
    /// Why someone cannot take a lead now.
    public enum Absence: String, Sendable {
        case disabled, busy, away, off
        /// Outside their working hours.
        case offHours = "off_hours"
    }

    public var userID: Int64
    public var name: String
    public var absence: Absence?
    public var openLeads: Int

    public init(userID: Int64, name: String, absence: Absence? = nil, openLeads: Int = 0) {
        self.userID = userID
        self.name = name
        self.absence = absence
        self.openLeads = openLeads
    }
}

/// Whom a rule chose, and why — the lead's history says it.
public struct RoutingChoice: Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case inTurn
        case leastLoaded(openLeads: Int)
        case firstAvailable
        /// No one of the pool could take it: the rule's fallback did.
        case fallback(absent: Int)
    }

    public var userID: Int64
    public var reason: Reason

    public init(userID: Int64, reason: Reason) {
        self.userID = userID
        self.reason = reason
    }

    /// The choice among `candidates` (in the pool's order) by `strategy`; nil when no one can
    /// take the lead now (the caller turns to the fallback).
    public static func choose(_ strategy: RoutingRule.Strategy, among candidates: [RoutingCandidate], lastUserID: Int64?)
        -> RoutingChoice?
    {
        let present = candidates.filter { $0.absence == nil }
        guard !present.isEmpty else { return nil }
        switch strategy {
        case .firstAvailable:
            return RoutingChoice(userID: present[0].userID, reason: .firstAvailable)
        case .roundRobin:
            // The pool's order, starting after the one chosen last (from the top if they left it).
            let order = candidates.map(\.userID)
            let start = lastUserID.flatMap { order.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            let turn = (0..<order.count).map { order[(start + $0) % order.count] }
            let next = turn.first { id in present.contains { $0.userID == id } }!
            return RoutingChoice(userID: next, reason: .inTurn)
        case .leastLoaded:
            let least = present.min { ($0.openLeads, $0.userID) < ($1.openLeads, $1.userID) }!
            return RoutingChoice(userID: least.userID, reason: .leastLoaded(openLeads: least.openLeads))
        }
    }

    /// The history's sentence: "Rule “Large orders”: Ivan Petrov — fewest open leads (3)".
    public func explanation(rule: String, name: String, _ locale: AppLocale) -> String {
        let ru = locale == .ru
        let why: String = switch reason {
        case .inTurn: ru ? "по очереди" : "in turn"
        case .leastLoaded(let open): ru ? "меньше всех открытых лидов (\(open))" : "fewest open leads (\(open))"
        case .firstAvailable: ru ? "первый свободный" : "first available"
        case .fallback(let absent):
            ru ? "запасной: никто из \(absent) не может принять сейчас" : "fallback: none of the \(absent) in the pool can take it now"
        }
        return ru ? "Правило «\(rule)»: \(name) — \(why)" : "Rule “\(rule)”: \(name) — \(why)"
    }
}
