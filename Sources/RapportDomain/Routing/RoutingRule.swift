import Foundation

/// Who takes a new lead that came by itself (a call, a form, a message; P5). Rules are tried
/// in order: the first active one whose condition holds chooses a person of its pool by its
/// strategy; when no one in the pool can take the lead now, the rule's fallback takes it and
/// the head is told.
public struct RoutingRule: Equatable, Sendable {
    public enum Strategy: String, CaseIterable, Sendable {
        /// In turn: the next person after the one chosen last.
        case roundRobin = "round_robin"
        /// The one with the fewest open leads.
        case leastLoaded = "least_loaded"
        /// The first of the pool, in its order, who can take it.
        case firstAvailable = "first_available"
    }

    /// The people a rule chooses from: named users (in this order), and everyone of a
    /// department (with its sub-departments) or of a role.
    public struct Pool: Equatable, Sendable, Codable {
        public var userIDs: [Int64]
        public var departmentID: Int64?
        public var roleID: Int64?

        public init(userIDs: [Int64] = [], departmentID: Int64? = nil, roleID: Int64? = nil) {
            self.userIDs = userIDs
            self.departmentID = departmentID
            self.roleID = roleID
        }

        public var isEmpty: Bool { userIDs.isEmpty && departmentID == nil && roleID == nil }

        enum CodingKeys: String, CodingKey {
            case userIDs = "user_ids", departmentID = "department_id", roleID = "role_id"
        }
    }

    public var id: Int64
    public var name: String
    public var position: Int
    public var active: Bool
    /// In the stage gates' language over the lead's fields (`amount > 100000`,
    /// `source = "phone" and working_time()`); nil or empty: every lead.
    public var condition: String?
    public var pool: Pool
    public var strategy: Strategy
    /// Who takes the lead when no one of the pool can.
    public var fallbackUserID: Int64?
    /// The person chosen last (the round-robin's place).
    public var lastUserID: Int64?
    public var version: Int64

    public init(id: Int64 = 0, name: String, position: Int = 0, active: Bool = true, condition: String? = nil,
                pool: Pool = Pool(), strategy: Strategy = .roundRobin, fallbackUserID: Int64? = nil, lastUserID: Int64? = nil,
                version: Int64 = 1) {
        self.id = id
        self.name = name
        self.position = position
        self.active = active
        self.condition = condition
        self.pool = pool
        self.strategy = strategy
        self.fallbackUserID = fallbackUserID
        self.lastUserID = lastUserID
        self.version = version
    }

    /// The condition as read; nil when there is none (every lead) — a condition that no longer
    /// reads is `.failure` and the rule is passed over.
    public var readCondition: Result<GateCondition, SyntaxError>? {
        guard let condition, !condition.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return Result { () throws(SyntaxError) in try GateCondition.parse(condition) }
    }

    /// Whether the rule takes a lead with these facts.
    public func applies(to facts: GateFacts) -> Bool {
        guard active else { return false }
        switch readCondition {
        case nil: return true
        case .success(let condition)?: return condition.holds(for: facts)
        case .failure?: return false
        }
    }
}
