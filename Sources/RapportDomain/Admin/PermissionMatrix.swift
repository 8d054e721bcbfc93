/// A role's rights: for each entity and action, the scope it reaches. Anything not set is `none`.
///
/// Encoded as `{"user": {"read": "all", ...}, ...}`; unknown entities or actions in stored JSON
/// are rejected by `validated(_:)` rather than silently dropped.
public struct PermissionMatrix: Equatable, Sendable {
    public private(set) var grants: [PermissionEntity: [PermissionAction: PermissionScope]]

    public init(_ grants: [PermissionEntity: [PermissionAction: PermissionScope]] = [:]) {
        self.grants = grants
    }

    public func scope(_ entity: PermissionEntity, _ action: PermissionAction) -> PermissionScope {
        grants[entity]?[action] ?? .none
    }

    public mutating func set(_ entity: PermissionEntity, _ action: PermissionAction, _ scope: PermissionScope) {
        grants[entity, default: [:]][action] = scope
    }

    /// Every entity and action at `scope`.
    public static func uniform(_ scope: PermissionScope) -> PermissionMatrix {
        var matrix = PermissionMatrix()
        for entity in PermissionEntity.allCases {
            for action in PermissionAction.allCases { matrix.set(entity, action, scope) }
        }
        return matrix
    }

    /// True when some right in the matrix reaches a department subtree, so the actor's
    /// sub-departments must be known to decide.
    public var needsDepartmentTree: Bool {
        grants.values.contains { $0.values.contains(.departmentTree) }
    }

    /// Parses the wire form, naming the first unknown key or value as a field error
    /// under `field` (e.g. `permissions.lead.read`).
    public static func validated(_ raw: [String: [String: String]], field: String = "permissions") throws -> PermissionMatrix {
        var matrix = PermissionMatrix()
        var validator = Validator()
        for (entityKey, actions) in raw.sorted(by: { $0.key < $1.key }) {
            guard let entity = PermissionEntity(rawValue: entityKey) else {
                validator.add("\(field).\(entityKey)", "unknown_entity", "unknown entity \(entityKey)")
                continue
            }
            for (actionKey, scopeKey) in actions.sorted(by: { $0.key < $1.key }) {
                guard let action = PermissionAction(rawValue: actionKey) else {
                    validator.add("\(field).\(entityKey).\(actionKey)", "unknown_action", "unknown action \(actionKey)")
                    continue
                }
                guard let scope = PermissionScope(rawValue: scopeKey) else {
                    validator.add("\(field).\(entityKey).\(actionKey)", "invalid_scope",
                                  "scope must be one of none, own, department, department_tree, all")
                    continue
                }
                matrix.set(entity, action, scope)
            }
        }
        try validator.throwIfInvalid()
        return matrix
    }

    /// The wire form, with every entity and action present.
    public var wireForm: [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for entity in PermissionEntity.allCases {
            var actions: [String: String] = [:]
            for action in PermissionAction.allCases { actions[action.rawValue] = scope(entity, action).rawValue }
            out[entity.rawValue] = actions
        }
        return out
    }
}
