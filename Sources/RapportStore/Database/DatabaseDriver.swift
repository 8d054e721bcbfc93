import SQLKit

/// What a dialect must provide to `Database`: reads, serialised transactions, a ping, close.
protocol DatabaseDriver: Sendable {
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func close() async
}
