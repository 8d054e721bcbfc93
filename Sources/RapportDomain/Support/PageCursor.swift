import Foundation

/// A keyset-pagination position: the last row's sort value and id, opaque to clients
/// (base64url of `value|id`).
public struct PageCursor: Equatable, Sendable {
    public var sortValue: String
    public var id: Int64

    public init(sortValue: String, id: Int64) {
        self.sortValue = sortValue
        self.id = id
    }

    public var encoded: String {
        Data("\(sortValue)|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Parses a cursor a client sent back; throws a validation error on `cursor` if it was not
    /// one Rapport made.
    public static func decode(_ text: String) throws -> PageCursor {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 512,
              let data = Data(base64Encoded: base64),
              let raw = String(data: data, encoding: .utf8),
              let bar = raw.lastIndex(of: "|"),
              let id = Int64(raw[raw.index(after: bar)...])
        else { throw RapportError.invalid("cursor", "invalid", "cursor is not valid") }
        return PageCursor(sortValue: String(raw[..<bar]), id: id)
    }
}

/// A page of a list request: how many and where to start.
public struct PageRequest: Equatable, Sendable {
    public static let defaultLimit = 50
    public static let maxLimit = 500

    public var limit: Int
    public var cursor: PageCursor?

    public init(limit: Int = PageRequest.defaultLimit, cursor: PageCursor? = nil) {
        self.limit = limit
        self.cursor = cursor
    }

    /// Validates raw query values: `limit` 1…500 (default 50), `cursor` as made by Rapport.
    public static func parse(limit: String?, cursor: String?) throws -> PageRequest {
        var page = PageRequest()
        if let limit {
            guard let n = Int(limit), (1...maxLimit).contains(n) else {
                throw RapportError.invalid("limit", "out_of_range", "limit must be between 1 and \(maxLimit)")
            }
            page.limit = n
        }
        if let cursor, !cursor.isEmpty { page.cursor = try PageCursor.decode(cursor) }
        return page
    }
}

/// One page of results and where the next one starts (nil at the end).
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: PageCursor?

    public init(items: [Item], nextCursor: PageCursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
