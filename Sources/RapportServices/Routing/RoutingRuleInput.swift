/// What is sent to make or change a routing rule; nil leaves a field as it is.
public struct RoutingRuleInput: Sendable, Equatable, Decodable {
    public struct PoolInput: Sendable, Equatable, Decodable {
        public var userIDs: [Int64]?
        public var departmentID: Int64?
        public var roleID: Int64?

        public init(userIDs: [Int64]? = nil, departmentID: Int64? = nil, roleID: Int64? = nil) {
            self.userIDs = userIDs
            self.departmentID = departmentID
            self.roleID = roleID
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case userIDs = "user_ids", departmentID = "department_id", roleID = "role_id"
        }
    }

    public var name: String?
    public var position: Int?
    public var active: Bool?
    /// Empty: every lead.
    public var condition: String?
    public var pool: PoolInput?
    public var strategy: String?
    /// 0 removes the fallback.
    public var fallbackUserID: Int64?

    public init(name: String? = nil, position: Int? = nil, active: Bool? = nil, condition: String? = nil, pool: PoolInput? = nil,
                strategy: String? = nil, fallbackUserID: Int64? = nil) {
        self.name = name
        self.position = position
        self.active = active
        self.condition = condition
        self.pool = pool
        self.strategy = strategy
        self.fallbackUserID = fallbackUserID
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, position, active, condition, pool, strategy, fallbackUserID = "fallback_user_id"
    }
}
