import RapportDomain
import RapportStore
import SQLKit

/// What a task, visit or call is about (a company, contact, lead or deal), as the principal
/// may see it.
enum LinkAccess {
    /// The record's ownership when it exists and the principal may read it; nil when it is
    /// missing or unreadable (callers say "not found" either way). Database failures are thrown.
    static func readableOwnership(_ link: WorkTask.Link, _ principal: Principal, _ db: any SQLDatabase) async throws
        -> RecordOwnership?
    {
        guard let permission = WorkTask.Link.entities[link.entity],
              let summary = try await SearchStore().summaries([(link.entity, link.id)], on: db)[link.entity]?[link.id],
              AccessPolicy.allows(principal.subject, .read, permission, record: summary.ownership)
        else { return nil }
        return summary.ownership
    }
}
