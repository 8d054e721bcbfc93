import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Roles and their permission matrices. Roles are company-wide reference data.
public struct RoleService: Sendable {
    let env: ServiceEnvironment
    let roles = RoleStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// What a create or change carries; nil leaves a field as it is. `permissions` replaces
    /// the listed entity/action cells and keeps the others.
    public struct Input: Sendable, Equatable {
        public var name: String?
        public var description: String?
        public var permissions: [String: [String: String]]?

        public init(name: String? = nil, description: String? = nil, permissions: [String: [String: String]]? = nil) {
            self.name = name; self.description = description; self.permissions = permissions
        }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> Role {
        try Access.requireAny(principal, .read, .role)
        guard let role = try await env.database.read({ db in try await self.roles.find(id: id, on: db) }) else {
            throw RapportError.notFound(entity: "role")
        }
        return role
    }

    /// How many users hold the role.
    public func holderCount(_ id: Int64, by principal: Principal) async throws -> Int {
        try Access.requireAny(principal, .read, .role)
        return try await env.database.read { db in try await self.roles.userCount(roleID: id, on: db) }
    }

    public func list(page: PageRequest, by principal: Principal) async throws -> Page<Role> {
        try Access.requireAny(principal, .read, .role)
        return try await env.database.read { db in try await self.roles.list(page: page, on: db) }
    }

    public func create(_ input: Input, key: String? = nil, by principal: Principal?) async throws -> Role {
        if let principal { try Access.requireAny(principal, .create, .role) }
        var validator = Validator()
        let name = validator.requireText(input.name, field: "name", maxLength: 100)
        let description = validator.optionalText(input.description, field: "description", maxLength: 1000)
        try validator.throwIfInvalid()
        let permissions = try PermissionMatrix.validated(input.permissions ?? [:])
        let now = env.clock.now()
        return try await env.database.transaction { db in
            if try await self.roles.findByName(name, on: db) != nil {
                throw RapportError.invalid("name", "taken", "another role has this name")
            }
            var role = Role(id: 0, key: key, name: name, description: description, permissions: permissions,
                            createdAt: now, updatedAt: now, createdBy: principal?.userID, version: 1)
            role.id = try await self.roles.insert(role, on: db)
            var changes = ChangeSet()
            changes.set("name", name)
            changes.set("description", description)
            for (field, value) in Self.cells(permissions) where value != PermissionScope.none.rawValue {
                changes.set(field, value)
            }
            try await self.events.record("role", role.id, .created, changes: changes.changes, by: principal?.userID, on: db)
            return role
        }
    }

    public func update(_ id: Int64, _ input: Input, expectedVersion: Int64?, by principal: Principal) async throws -> Role {
        try Access.requireAny(principal, .update, .role)
        var validator = Validator()
        let name = input.name.map { validator.requireText($0, field: "name", maxLength: 100) }
        let description = input.description.map { validator.optionalText($0, field: "description", maxLength: 1000) }
        try validator.throwIfInvalid()
        let patch = try PermissionMatrix.validated(input.permissions ?? [:])
        return try await env.database.transaction { db in
            guard let before = try await self.roles.find(id: id, on: db) else { throw RapportError.notFound(entity: "role") }
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            if let name {
                if name.lowercased() != before.name.lowercased(), try await self.roles.findByName(name, on: db) != nil {
                    throw RapportError.invalid("name", "taken", "another role has this name")
                }
                after.name = name
            }
            if let description { after.description = description }
            for (entity, actions) in patch.grants { for (action, scope) in actions { after.permissions.set(entity, action, scope) } }
            if before.key == BuiltInRole.administrator.rawValue, after.permissions != before.permissions {
                throw RapportError.invalid("permissions", "locked",
                                           "the administrator role keeps every right, so nobody is locked out")
            }
            after.updatedAt = self.env.clock.now()
            guard let version = try await self.roles.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            var changes = ChangeSet()
            changes.compare("name", before.name, after.name)
            changes.compare("description", before.description, after.description)
            let old = Dictionary(uniqueKeysWithValues: Self.cells(before.permissions))
            for (field, value) in Self.cells(after.permissions) { changes.compare(field, old[field], value) }
            if !changes.changes.isEmpty {
                try await self.events.record("role", id, .updated, changes: changes.changes, by: principal.userID, on: db)
            }
            return after
        }
    }

    /// Deletes a role nobody holds; built-in roles and roles in use are conflicts.
    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try Access.requireAny(principal, .delete, .role)
        try await env.database.transaction { db in
            guard let role = try await self.roles.find(id: id, on: db) else { throw RapportError.notFound(entity: "role") }
            try Access.requireVersion(expectedVersion, current: role.version)
            if role.key != nil { throw RapportError.conflict("built-in roles cannot be deleted") }
            let holders = try await self.roles.userCount(roleID: id, on: db)
            if holders > 0 { throw RapportError.conflict("\(holders) user(s) hold this role; give them another first") }
            try await self.roles.delete(id: id, on: db)
            try await self.events.record("role", id, .deleted, changes: [FieldChange(field: "name", old: role.name, new: nil)],
                                         by: principal.userID, on: db)
        }
    }

    /// Every cell of a matrix as `permissions.entity.action` → scope, for events.
    static func cells(_ matrix: PermissionMatrix) -> [(String, String)] {
        PermissionEntity.allCases.flatMap { entity in
            PermissionAction.allCases.map { action in
                ("permissions.\(entity.rawValue).\(action.rawValue)", matrix.scope(entity, action).rawValue)
            }
        }
    }
}
