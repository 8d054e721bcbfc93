import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportDomain

/// Encoding API answers: snake_case keys come from each DTO's CodingKeys, times are ISO 8601 UTC.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(ISO8601.string(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, version: Int64? = nil,
                     headers extra: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let version { headers[.eTag] = "\"\(version)\"" }
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func problem(_ entry: ErrorTable.Entry) -> Response {
        // Encoding a Problem of plain strings and numbers cannot fail.
        let data = (try? encoder.encode(entry.problem)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: entry.headers)
        return Response(status: entry.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response { Response(status: .noContent) }
}

/// A list answer: `{ "data": [...], "next_cursor": ... }`.
struct ListBody<Item: Encodable>: Encodable {
    var data: [Item]
    var nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case data
        case nextCursor = "next_cursor"
    }

    init<Source>(_ page: Page<Source>, _ transform: (Source) -> Item) {
        data = page.items.map(transform)
        nextCursor = page.nextCursor?.encoded
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(data, forKey: .data)
        try container.encode(nextCursor, forKey: .nextCursor)  // null at the end, never absent
    }
}
