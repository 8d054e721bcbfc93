import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Creating, changing, disabling and listing users.
public struct UserService: Sendable {
    let env: ServiceEnvironment
    let users = UserStore()
    let roles = RoleStore()
    let departments = DepartmentStore()
    let sessions = SessionStore()
    let settings = SettingsStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// The user with `id`, if the principal may read them (otherwise `notFound`).
    public func get(_ id: Int64, by principal: Principal) async throws -> User {
        let user = try await env.database.read { db in try await self.users.find(id: id, on: db) }
        guard let user else { throw RapportError.notFound(entity: "user") }
        try Access.require(principal, .read, .user, record: ownership(user))
        return user
    }

    public func list(_ query: UserQuery, page: PageRequest, by principal: Principal) async throws -> Page<User> {
        try Access.requireAny(principal, .read, .user)
        let scope = principal.scope(.user, .read)
        return try await env.database.read { db in
            try await self.users.list(query, scope: scope, subject: principal.subject, page: page, on: db)
        }
    }

    /// How many active users the principal may see, counted up to `cap`.
    public func activeCount(cap: Int, by principal: Principal) async throws -> Int {
        try Access.requireAny(principal, .read, .user)
        let scope = principal.scope(.user, .read)
        return try await env.database.read { db in
            try await self.users.activeCount(scope: scope, subject: principal.subject, cap: cap, on: db)
        }
    }

    /// Creates a user. `principal` nil means the system (first-run setup, the command line).
    public func create(_ input: UserInput, by principal: Principal?) async throws -> User {
        if let principal {
            // Refuse before validating and hashing: no field feedback to someone who may not create.
            let department = input.departmentID.flatMap { $0 == 0 ? nil : $0 }
            try Access.require(principal, .create, .user, record: RecordOwnership(ownerID: nil, ownerDepartmentID: department))
        }
        let (draft, hash) = try await prepare(input, createdBy: principal?.userID)
        return try await env.database.transaction { db in
            var user = draft
            if let principal {
                try Access.require(principal, .create, .user,
                                   record: RecordOwnership(ownerID: nil, ownerDepartmentID: user.departmentID))
            }
            if input.timeZone == nil || input.locale == nil, let company = try await self.settings.get(on: db) {
                if input.timeZone == nil { user.timeZone = company.timeZone }
                if input.locale == nil { user.locale = company.locale }
            }
            return try await self.insert(user, passwordHash: hash, by: principal?.userID, on: db)
        }
    }

    /// Inserts a validated user and its event inside the caller's transaction.
    func insert(_ draft: User, passwordHash: String, by actorID: Int64?, on db: any SQLDatabase) async throws -> User {
        var user = draft
        try await checkReferences(user, existing: nil, on: db)
        user.id = try await users.insert(user, passwordHash: passwordHash, on: db)
        var changes = ChangeSet()
        for (field, value) in Self.fields(user) { changes.set(field, value) }
        try await events.record("user", user.id, .created, changes: changes.changes, by: actorID, on: db)
        return user
    }

    /// Validates `input` for a new user and hashes its password, without touching the database.
    func prepare(_ input: UserInput, createdBy: Int64?) async throws -> (draft: User, passwordHash: String) {
        var validator = Validator()
        let password = input.password ?? ""
        PasswordPolicy.check(password, field: "password", into: &validator)
        let now = env.clock.now()
        var draft = User(id: 0, email: "", firstName: "", lastName: "", roleID: input.roleID ?? 0, timeZone: "UTC",
                         locale: .en, createdAt: now, updatedAt: now, createdBy: createdBy)
        apply(input, to: &draft, creating: true, validator: &validator)
        try validator.throwIfInvalid()
        return (draft, try await env.hasher.hash(password))
    }

    /// Changes a user's attributes; `expectedVersion` (from `If-Match`) guards against
    /// overwriting somebody else's change.
    public func update(_ id: Int64, _ input: UserInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> User
    {
        var validator = Validator()
        if input.password != nil { validator.add("password", "not_allowed", "use the password endpoint to set a password") }
        try validator.throwIfInvalid()
        return try await env.database.transaction { db in
            guard let before = try await self.users.find(id: id, on: db) else { throw RapportError.notFound(entity: "user") }
            try Access.require(principal, .update, .user, record: self.ownership(before))
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            var validator = Validator()
            self.apply(input, to: &after, creating: false, validator: &validator)
            if after.departmentID != before.departmentID {
                try Access.require(principal, .update, .user,
                                   record: RecordOwnership(ownerID: id, ownerDepartmentID: after.departmentID))
            }
            if id == principal.userID && (after.isActive == false || after.roleID != before.roleID) {
                validator.add(after.isActive ? "role_id" : "is_active", "self",
                              "you cannot disable yourself or change your own role")
            }
            try validator.throwIfInvalid()
            try await self.checkReferences(after, existing: before, on: db)
            after.updatedAt = self.env.clock.now()
            guard let version = try await self.users.update(after, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            after.version = version
            if !after.isActive && before.isActive { try await self.sessions.deleteAll(userID: id, on: db) }
            var changes = ChangeSet()
            let old = Dictionary(uniqueKeysWithValues: Self.fields(before))
            for (field, value) in Self.fields(after) { changes.compare(field, old[field] ?? nil, value) }
            let action: EventAction = before.isActive && !after.isActive ? .disabled
                : (!before.isActive && after.isActive ? .enabled : .updated)
            if !changes.changes.isEmpty {
                try await self.events.record("user", id, action, changes: changes.changes, by: principal.userID, on: db)
            }
            return after
        }
    }

    /// Disables a user: they can no longer sign in, their sessions end, their tokens stop working.
    public func disable(_ id: Int64, by principal: Principal?) async throws -> User {
        if let principal {
            return try await update(id, UserInput(isActive: false), expectedVersion: nil, by: principal)
        }
        return try await env.database.transaction { db in
            guard var user = try await self.users.find(id: id, on: db) else { throw RapportError.notFound(entity: "user") }
            guard user.isActive else { return user }
            let before = user.version
            user.isActive = false
            user.updatedAt = self.env.clock.now()
            guard let version = try await self.users.update(user, expectedVersion: before, on: db) else {
                throw RapportError.stale(currentVersion: before)
            }
            user.version = version
            try await self.sessions.deleteAll(userID: id, on: db)
            try await self.events.record("user", id, .disabled,
                                         changes: [FieldChange(field: "is_active", old: "true", new: "false")],
                                         by: nil, on: db)
            return user
        }
    }

    /// Sets another user's password (an administrator's reset, or the command line);
    /// ends that user's sessions.
    public func setPassword(_ id: Int64, _ password: String, by principal: Principal?) async throws {
        var validator = Validator()
        PasswordPolicy.check(password, field: "password", into: &validator)
        try validator.throwIfInvalid()
        let hash = try await env.hasher.hash(password)
        let now = env.clock.now()
        try await env.database.transaction { db in
            guard let user = try await self.users.find(id: id, on: db) else { throw RapportError.notFound(entity: "user") }
            if let principal { try Access.require(principal, .update, .user, record: self.ownership(user)) }
            try await self.users.setPasswordHash(hash, userID: id, at: now, on: db)
            try await self.sessions.deleteAll(userID: id, on: db)
            var changes = ChangeSet()
            changes.redacted("password")
            try await self.events.record("user", id, .passwordChanged, changes: changes.changes,
                                         by: principal?.userID, on: db)
        }
    }

    /// Finds a user by e-mail (command line).
    public func find(email: String) async throws -> User? {
        guard let normalized = Email.normalize(email) else { return nil }
        return try await env.database.read { db in try await self.users.credentials(email: normalized, on: db)?.user }
    }

    func ownership(_ user: User) -> RecordOwnership {
        RecordOwnership(ownerID: user.id, ownerDepartmentID: user.departmentID)
    }

    /// Applies the given fields of `input` to `user`, collecting an error per bad field.
    func apply(_ input: UserInput, to user: inout User, creating: Bool, validator: inout Validator) {
        if creating || input.email != nil {
            if let email = Email.normalize(input.email ?? "") {
                user.email = email
            } else {
                validator.add("email", (input.email ?? "").isEmpty ? "required" : "invalid", "a valid e-mail is required")
            }
        }
        if creating || input.firstName != nil {
            user.firstName = validator.requireText(input.firstName, field: "first_name", maxLength: 100)
        }
        if creating || input.lastName != nil {
            user.lastName = validator.requireText(input.lastName, field: "last_name", maxLength: 100)
        }
        if let value = input.middleName { user.middleName = validator.optionalText(value, field: "middle_name", maxLength: 100) }
        if let value = input.position { user.position = validator.optionalText(value, field: "position", maxLength: 200) }
        if let value = input.workingHours {
            user.workingHours = validator.optionalText(value, field: "working_hours", maxLength: 200)
            // Their own hours are their calendar, so they must read as a week.
            if let text = user.workingHours, case .failure(let problem) = WeekSchedule.parse(text) {
                let detail = switch problem {
                case .empty: "it names no working day"
                case .unreadable(let group): "“\(group)” does not read"
                case .repeated(let group): "“\(group)” names a day twice"
                }
                validator.add("working_hours", "not_a_week",
                              "working_hours: \(detail); write days and hours, such as пн-пт 09:00-18:00; сб 10:00-14:00")
            }
        }
        if let raw = input.phone {
            if let text = validator.optionalText(raw, field: "phone", maxLength: 40) {
                if let e164 = Phone.normalize(text) {
                    user.phone = text
                    user.phoneE164 = e164
                } else {
                    validator.add("phone", "invalid", "phone is not a valid telephone number")
                }
            } else {
                user.phone = nil
                user.phoneE164 = nil
            }
        }
        if let id = input.departmentID { user.departmentID = id == 0 ? nil : id }
        if creating && input.roleID == nil { validator.add("role_id", "required", "role_id is required") }
        if let id = input.roleID { user.roleID = id }
        if let zone = input.timeZone {
            if TimeZoneName.isValid(zone) { user.timeZone = zone } else {
                validator.add("time_zone", "invalid", "time_zone must be an IANA zone such as Europe/Moscow")
            }
        }
        if let raw = input.locale {
            if let locale = AppLocale(rawValue: raw) { user.locale = locale } else {
                validator.add("locale", "invalid", "locale must be one of en, ru")
            }
        }
        if let raw = input.workingStatus {
            if let status = WorkingStatus(rawValue: raw) { user.workingStatus = status } else {
                validator.add("working_status", "invalid", "working_status must be one of available, busy, away, off")
            }
        }
        if let list = input.skills { user.skills = Self.cleanList(list, field: "skills", validator: &validator) }
        if let list = input.regions { user.regions = Self.cleanList(list, field: "regions", validator: &validator) }
        if let active = input.isActive { user.isActive = active }
    }

    static func cleanList(_ list: [String], field: String, validator: inout Validator) -> [String] {
        let cleaned = list.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if cleaned.count > 50 || cleaned.contains(where: { $0.count > 100 }) {
            validator.add(field, "too_long", "\(field) takes at most 50 items of 100 characters")
        }
        var seen = Set<String>()
        return cleaned.filter { seen.insert($0.lowercased()).inserted }
    }

    /// The referenced role and department exist, and the e-mail is free.
    func checkReferences(_ user: User, existing: User?, on db: any SQLDatabase) async throws {
        var validator = Validator()
        if user.roleID != existing?.roleID, try await roles.find(id: user.roleID, on: db) == nil {
            validator.add("role_id", "not_found", "no role with id \(user.roleID)")
        }
        if let department = user.departmentID, department != existing?.departmentID,
           try await departments.find(id: department, on: db) == nil {
            validator.add("department_id", "not_found", "no department with id \(department)")
        }
        if user.email != existing?.email, try await users.emailTaken(user.email, exceptID: existing?.id, on: db) {
            validator.add("email", "taken", "another user has this e-mail")
        }
        try validator.throwIfInvalid()
    }

    /// The attributes an event shows, as text.
    static func fields(_ user: User) -> [(String, String?)] {
        [
            ("email", user.email), ("first_name", user.firstName), ("last_name", user.lastName),
            ("middle_name", user.middleName), ("phone", user.phone), ("position", user.position),
            ("department_id", user.departmentID.map(String.init)), ("role_id", String(user.roleID)),
            ("time_zone", user.timeZone), ("locale", user.locale.rawValue),
            ("working_status", user.workingStatus.rawValue), ("working_hours", user.workingHours),
            ("skills", user.skills.joined(separator: ", ")), ("regions", user.regions.joined(separator: ", ")),
            ("is_active", String(user.isActive)),
        ]
    }
}

extension UserService {
    /// Stores a user's own interface language (the language switch); no permission needed
    /// for one's own preference.
    public func updateOwnLocale(_ locale: AppLocale, by principal: Principal) async throws -> User {
        try await env.database.transaction { db in
            guard var user = try await self.users.find(id: principal.userID, on: db) else {
                throw RapportError.notFound(entity: "user")
            }
            guard user.locale != locale else { return user }
            let before = user
            user.locale = locale
            user.updatedAt = self.env.clock.now()
            guard let version = try await self.users.update(user, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            user.version = version
            try await self.events.record("user", user.id, .updated,
                                         changes: [FieldChange(field: "locale", old: before.locale.rawValue,
                                                               new: locale.rawValue)],
                                         by: principal.userID, on: db)
            return user
        }
    }
}
