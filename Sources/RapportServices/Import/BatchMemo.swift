import NIOConcurrencyHelpers
import RapportDomain
import SQLKit

/// What an import batch reads once instead of once per row: the custom field definitions and
/// the responsible people's ownership. A batch is one transaction of a few hundred rows; it
/// sees the same definitions and people throughout (a change made meanwhile applies from the
/// next batch on).
final class BatchMemo: Sendable {
    @TaskLocal static var current: BatchMemo?

    private let definitions = NIOLockedValueBox([CustomFieldEntity: [CustomFieldDefinition]]())
    private let ownerships = NIOLockedValueBox([Int64: RecordOwnership]())

    /// The definitions of `entity`, read by `load` the first time.
    func definitions(_ entity: CustomFieldEntity, _ load: () async throws -> [CustomFieldDefinition]) async throws
        -> [CustomFieldDefinition]
    {
        if let known = definitions.withLockedValue({ $0[entity] }) { return known }
        let loaded = try await load()
        definitions.withLockedValue { $0[entity] = loaded }
        return loaded
    }

    /// A responsible user's ownership, checked by `load` the first time (a refusal is not kept:
    /// each row that names that user is refused with the same reason).
    func ownership(_ userID: Int64, _ load: () async throws -> RecordOwnership) async throws -> RecordOwnership {
        if let known = ownerships.withLockedValue({ $0[userID] }) { return known }
        let loaded = try await load()
        ownerships.withLockedValue { $0[userID] = loaded }
        return loaded
    }
}
