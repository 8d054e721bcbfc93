import NIOConcurrencyHelpers

/// What one transaction reads at most once: the company settings, the routing rules, the
/// service levels — which many steps of one request ask for (a call's lead, its routing, its
/// tasks, its log), and a batch of timers for each of its hundreds of records. Each statement
/// costs a round trip on PostgreSQL and a prepare on SQLite; what is kept cannot change under
/// the transaction but by its own writes, and the stores forget a key when they write it.
final class TransactionMemo: Sendable {
    @TaskLocal static var current: TransactionMemo?

    private let values = NIOLockedValueBox<[String: any Sendable]>([:])

    /// The value read before in this transaction under `key`, or read now by `load` and kept.
    func value<T: Sendable>(_ key: String, _ load: () async throws -> T) async throws -> T {
        // Kept values may be nil themselves (no settings yet): look for the entry, then cast.
        if let entry = values.withLockedValue({ $0[key] }), let known = entry as? T { return known }
        let loaded = try await load()
        values.withLockedValue { $0[key] = loaded }
        return loaded
    }

    func forget(_ key: String) {
        _ = values.withLockedValue { $0.removeValue(forKey: key) }
    }

    /// `load` once per transaction under `key` (at once outside a transaction).
    static func read<T: Sendable>(_ key: String, _ load: () async throws -> T) async throws -> T {
        guard let memo = current else { return try await load() }
        return try await memo.value(key, load)
    }
}
