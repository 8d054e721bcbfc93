import Foundation
import Hummingbird
import NIOCore
import RapportDomain

/// An API input whose JSON keys are exactly its `CodingKeys`: an unknown key is a
/// validation error naming it, so a typo never silently does nothing.
protocol StrictInput: Decodable, Sendable {
    associatedtype Keys: CodingKey & CaseIterable
}

/// Reading JSON request bodies: size limit (the context's `maxUploadSize`, 413), content type
/// (415), nesting depth (400), syntax (400), unknown keys and wrong types (422 naming the field).
enum JSONBody {
    static let maxDepth = 32

    static func decode<T: StrictInput>(_ type: T.Type, from request: Request, context: RapportRequestContext)
        async throws -> T
    {
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw RapportHTTPError.unsupportedMediaType
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let data = Data(buffer: buffer)
        return try decode(type, from: data)
    }

    static func decode<T: StrictInput>(_ type: T.Type, from data: Data) throws -> T {
        guard !data.isEmpty else { throw RapportHTTPError.malformedJSON("the request body is empty") }
        guard depth(of: data) <= maxDepth else { throw RapportHTTPError.tooDeep }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw RapportHTTPError.malformedJSON("the body is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw RapportHTTPError.malformedJSON("the body must be a JSON object")
        }
        // PostgreSQL text cannot hold NUL; refuse it on both databases alike.
        if data.range(of: Data("\\u0000".utf8)) != nil {
            throw RapportError.invalid("body", "invalid_text", "text must not contain NUL characters")
        }
        let allowed = Set(T.Keys.allCases.map(\.stringValue))
        let unknown = dictionary.keys.filter { !allowed.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw RapportError.validation(unknown.map { FieldError(field: $0, code: "unknown_field", message: "\($0) is not a known field") })
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw fieldError(error)
        }
    }

    /// The deepest nesting of arrays and objects, counted without parsing (strings skipped).
    static func depth(of data: Data) -> Int {
        var depth = 0, deepest = 0
        var inString = false, escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > maxDepth { return deepest }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    static func fieldError(_ error: DecodingError) -> RapportError {
        func path(_ context: DecodingError.Context, _ extra: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (extra.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
            return text.isEmpty ? "body" : text
        }
        switch error {
        case .typeMismatch(let type, let context):
            return .invalid(path(context), "invalid_type", "\(path(context)) must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalid(path(context), "required", "\(path(context)) must be \(describe(type)), not null")
        case .keyNotFound(let key, let context):
            let field = path(context, key)
            return .invalid(field, "required", "\(field) is required")
        case .dataCorrupted(let context):
            return .invalid(path(context), "invalid", context.debugDescription)
        @unknown default:
            return .invalid("body", "invalid", "the body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Int.Type, is Int64.Type, is Int?.Type, is Int64?.Type: "an integer"
        case is Bool.Type, is Bool?.Type: "true or false"
        case is [String].Type, is [String]?.Type: "an array of strings"
        default: "of type \(type)"
        }
    }
}
