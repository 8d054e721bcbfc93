import RapportDomain

/// Permission checks as use cases need them, all deciding through `AccessPolicy`.
enum Access {
    /// Throws unless the principal may do `action` to some record of `entity` (creating,
    /// listing, org-wide settings). Without even read access the answer is "not found",
    /// so a list or a page does not reveal what exists.
    static func requireAny(_ principal: Principal, _ action: PermissionAction, _ entity: PermissionEntity) throws {
        guard principal.may(action, entity) else {
            if action != .read && principal.may(.read, entity) { throw RapportError.forbidden }
            throw RapportError.notFound(entity: entity.rawValue)
        }
    }

    /// Throws unless the principal may do `action` to this record. A record they may not
    /// read is "not found" (404); one they may read but not change is "forbidden" (403).
    static func require(_ principal: Principal, _ action: PermissionAction, _ entity: PermissionEntity,
                        record: RecordOwnership) throws {
        if AccessPolicy.allows(principal.subject, action, entity, record: record) { return }
        if action != .read && AccessPolicy.allows(principal.subject, .read, entity, record: record) {
            throw RapportError.forbidden
        }
        throw RapportError.notFound(entity: entity.rawValue)
    }

    /// The optimistic-concurrency check: `expected` (from `If-Match`) must be the stored version.
    static func requireVersion(_ expected: Int64?, current: Int64) throws {
        if let expected, expected != current { throw RapportError.stale(currentVersion: current) }
    }
}
