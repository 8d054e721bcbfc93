import NIOConcurrencyHelpers
import RapportDomain

/// Parsed permission matrices by their stored JSON text. Every authenticated request reads
/// its role's matrix; the same text always parses to the same matrix, so the parse is done
/// once. Bounded: cleared when it holds more than `capacity` different texts.
final class PermissionCache: Sendable {
    static let shared = PermissionCache()
    private let capacity = 256
    private let parsed = NIOLockedValueBox<[String: PermissionMatrix]>([:])

    func matrix(_ text: String) throws -> PermissionMatrix {
        if let hit = parsed.withLockedValue({ $0[text] }) { return hit }
        let matrix = try PermissionMatrix.validated(JSONText.decode([String: [String: String]].self, text))
        parsed.withLockedValue { cache in
            if cache.count >= capacity { cache.removeAll() }
            cache[text] = matrix
        }
        return matrix
    }
}
