import RapportDomain
import RapportStore
import SQLKit

/// The responsible user of a client record: must exist and be active; the record's access
/// is decided by that user's department.
enum Responsible {
    static func ownership(_ ownerID: Int64, on db: any SQLDatabase) async throws -> RecordOwnership {
        guard let memo = BatchMemo.current else { return try await check(ownerID, on: db) }
        return try await memo.ownership(ownerID) { try await check(ownerID, on: db) }
    }

    private static func check(_ ownerID: Int64, on db: any SQLDatabase) async throws -> RecordOwnership {
        guard let user = try await UserStore().find(id: ownerID, on: db) else {
            throw RapportError.invalid("owner_id", "not_found", "no user with id \(ownerID)")
        }
        guard user.isActive else {
            throw RapportError.invalid("owner_id", "disabled", "\(user.displayName) is disabled and cannot be responsible")
        }
        return RecordOwnership(ownerID: user.id, ownerDepartmentID: user.departmentID)
    }

    /// Whose a record is, for access checks, when its responsible may have left since: their
    /// department if they are still there (a record of someone gone is read by wider scopes).
    static func recordOwnership(_ ownerID: Int64, on db: any SQLDatabase) async throws -> RecordOwnership {
        RecordOwnership(ownerID: ownerID, ownerDepartmentID: try await UserStore().find(id: ownerID, on: db)?.departmentID)
    }
}
