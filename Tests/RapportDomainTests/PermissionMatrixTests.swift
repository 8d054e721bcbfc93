import RapportDomain
import Testing

@Suite struct PermissionMatrixTests {
    @Test func wire_form_round_trips() throws {
        var matrix = PermissionMatrix()
        matrix.set(.deal, .update, .departmentTree)
        matrix.set(.user, .read, .all)
        let parsed = try PermissionMatrix.validated(matrix.wireForm)
        #expect(parsed == PermissionMatrix(parsed.grants))
        #expect(parsed.scope(.deal, .update) == .departmentTree)
        #expect(parsed.scope(.user, .read) == .all)
        #expect(parsed.scope(.lead, .read) == PermissionScope.none)
    }

    @Test func unknown_entity_action_and_scope_are_named() {
        #expect(throws: RapportError.validation([
            FieldError(field: "permissions.dragon", code: "unknown_entity", message: "unknown entity dragon"),
            FieldError(field: "permissions.lead.fly", code: "unknown_action", message: "unknown action fly"),
            FieldError(field: "permissions.user.read", code: "invalid_scope",
                       message: "scope must be one of none, own, department, department_tree, all"),
        ])) {
            try PermissionMatrix.validated([
                "dragon": ["read": "all"], "lead": ["fly": "all"], "user": ["read": "everything"],
            ])
        }
    }

    @Test func needs_tree_only_when_a_tree_scope_is_granted() {
        var matrix = PermissionMatrix.uniform(.department)
        #expect(!matrix.needsDepartmentTree)
        matrix.set(.task, .read, .departmentTree)
        #expect(matrix.needsDepartmentTree)
    }

    @Test func administrator_has_every_right() {
        let admin = BuiltInRole.administrator.defaultPermissions
        for entity in PermissionEntity.allCases {
            for action in PermissionAction.allCases { #expect(admin.scope(entity, action) == .all) }
        }
    }
}
