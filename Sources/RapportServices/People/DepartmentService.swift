import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The department tree. Departments are company-wide reference data: any scope above
/// `none` on `department` reaches all of them.
public struct DepartmentService: Sendable {
    let env: ServiceEnvironment
    let departments = DepartmentStore()
    let users = UserStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// What a create or change carries; nil leaves a field as it is. `parentID` 0 makes a root.
    public struct Input: Sendable, Equatable {
        public var name: String?
        public var parentID: Int64?
        public var headUserID: Int64?

        public init(name: String? = nil, parentID: Int64? = nil, headUserID: Int64? = nil) {
            self.name = name; self.parentID = parentID; self.headUserID = headUserID
        }
    }

    public func get(_ id: Int64, by principal: Principal) async throws -> Department {
        try Access.requireAny(principal, .read, .department)
        guard let department = try await env.database.read({ db in try await self.departments.find(id: id, on: db) })
        else { throw RapportError.notFound(entity: "department") }
        return department
    }

    public func list(parentID: Int64?, page: PageRequest, by principal: Principal) async throws -> Page<Department> {
        try Access.requireAny(principal, .read, .department)
        return try await env.database.read { db in try await self.departments.list(parentID: parentID, page: page, on: db) }
    }

    /// Every department, for the tree view.
    public func all(by principal: Principal) async throws -> [Department] {
        try Access.requireAny(principal, .read, .department)
        return try await env.database.read { db in try await self.departments.all(on: db) }
    }

    public func create(_ input: Input, by principal: Principal?) async throws -> Department {
        if let principal { try Access.requireAny(principal, .create, .department) }
        var validator = Validator()
        let name = validator.requireText(input.name, field: "name", maxLength: 200)
        try validator.throwIfInvalid()
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var department = Department(id: 0, name: name, parentID: input.parentID == 0 ? nil : input.parentID,
                                        headUserID: input.headUserID == 0 ? nil : input.headUserID, createdAt: now,
                                        updatedAt: now, createdBy: principal?.userID, version: 1)
            try await self.checkReferences(department, on: db)
            department.id = try await self.departments.insert(department, on: db)
            var changes = ChangeSet()
            changes.set("name", department.name)
            changes.set("parent_id", department.parentID.map(String.init))
            changes.set("head_user_id", department.headUserID.map(String.init))
            try await self.events.record("department", department.id, .created, changes: changes.changes,
                                         by: principal?.userID, on: db)
            return department
        }
    }

    public func update(_ id: Int64, _ input: Input, expectedVersion: Int64?, by principal: Principal) async throws
        -> Department
    {
        try Access.requireAny(principal, .update, .department)
        var validator = Validator()
        let name = input.name.map { validator.requireText($0, field: "name", maxLength: 200) }
        try validator.throwIfInvalid()
        return try await env.database.transaction { db in
            guard let before = try await self.departments.find(id: id, on: db) else {
                throw RapportError.notFound(entity: "department")
            }
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            if let name { after.name = name }
            if let parent = input.parentID { after.parentID = parent == 0 ? nil : parent }
            if let head = input.headUserID { after.headUserID = head == 0 ? nil : head }
            if let parent = after.parentID, parent != before.parentID {
                if try await self.departments.tree(on: db).wouldCycle(moving: id, under: parent) {
                    throw RapportError.invalid("parent_id", "cycle", "a department cannot be placed under itself or its own sub-department")
                }
            }
            try await self.checkReferences(after, on: db)
            after.updatedAt = self.env.clock.now()
            guard let version = try await self.departments.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            var changes = ChangeSet()
            changes.compare("name", before.name, after.name)
            changes.compare("parent_id", before.parentID.map(String.init), after.parentID.map(String.init))
            changes.compare("head_user_id", before.headUserID.map(String.init), after.headUserID.map(String.init))
            if !changes.changes.isEmpty {
                try await self.events.record("department", id, .updated, changes: changes.changes,
                                             by: principal.userID, on: db)
            }
            return after
        }
    }

    /// Deletes an empty department; one with sub-departments or members is a conflict.
    public func delete(_ id: Int64, expectedVersion: Int64?, by principal: Principal) async throws {
        try Access.requireAny(principal, .delete, .department)
        try await env.database.transaction { db in
            guard let department = try await self.departments.find(id: id, on: db) else {
                throw RapportError.notFound(entity: "department")
            }
            try Access.requireVersion(expectedVersion, current: department.version)
            let usage = try await self.departments.usage(id: id, on: db)
            if usage.children > 0 || usage.users > 0 {
                throw RapportError.conflict(
                    "the department has \(usage.children) sub-department(s) and \(usage.users) member(s); move them first")
            }
            try await self.departments.delete(id: id, on: db)
            try await self.events.record("department", id, .deleted,
                                         changes: [FieldChange(field: "name", old: department.name, new: nil)],
                                         by: principal.userID, on: db)
        }
    }

    func checkReferences(_ department: Department, on db: any SQLDatabase) async throws {
        var validator = Validator()
        if let parent = department.parentID, try await departments.find(id: parent, on: db) == nil {
            validator.add("parent_id", "not_found", "no department with id \(parent)")
        }
        if let head = department.headUserID, try await users.find(id: head, on: db) == nil {
            validator.add("head_user_id", "not_found", "no user with id \(head)")
        }
        try validator.throwIfInvalid()
    }
}
