import Foundation
import Hummingbird
import RapportDomain

/// Typed reading of query parameters and path ids; a bad value is a 422 naming the parameter.
struct QueryReader {
    let request: Request

    func string(_ name: String, maxLength: Int = 200) throws -> String? {
        guard let value = request.uri.queryParameters.get(name), !value.isEmpty else { return nil }
        guard !value.contains("\0") else {
            throw RapportError.invalid(name, "invalid_text", "\(name) must not contain NUL characters")
        }
        guard value.count <= maxLength else {
            throw RapportError.invalid(name, "too_long", "\(name) must be at most \(maxLength) characters")
        }
        return value
    }

    func int64(_ name: String) throws -> Int64? {
        guard let text = try string(name) else { return nil }
        guard let value = Int64(text), value > 0 else {
            throw RapportError.invalid(name, "invalid", "\(name) must be a positive integer")
        }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw RapportError.invalid(name, "invalid", "\(name) must be true or false")
        }
    }

    func date(_ name: String) throws -> Date? {
        guard let text = try string(name) else { return nil }
        guard let date = ISO8601.parse(text) else {
            throw RapportError.invalid(name, "invalid", "\(name) must be an ISO 8601 date-time")
        }
        return date
    }

    func oneOf<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String, T: CaseIterable {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw RapportError.invalid(name, "invalid", "\(name) must be one of \(allowed)")
        }
        return value
    }

    /// The `cf.<code>…` parameters (custom-field filters), each checked like any text.
    func custom() throws -> [String: String] {
        var result: [String: String] = [:]
        for (key, _) in request.uri.queryParameters where key.hasPrefix("cf.") {
            let name = String(key)
            guard name.count <= 60 else { throw RapportError.invalid(name, "invalid", "\(name.prefix(60))… is not a filter") }
            if let value = try string(name, maxLength: 2000) { result[name] = value }
        }
        if result.count > 20 { throw RapportError.invalid("cf", "too_many", "at most 20 custom-field filters") }
        return result
    }

    func page() throws -> PageRequest {
        try PageRequest.parse(limit: request.uri.queryParameters.get("limit"),
                              cursor: request.uri.queryParameters.get("cursor"))
    }
}

extension RapportRequestContext {
    /// The `{id}` path parameter; a non-numeric id is simply not found.
    func id(_ name: String = "id", entity: String) throws -> Int64 {
        guard let text = parameters.get(name), let id = Int64(text), id > 0 else {
            throw RapportError.notFound(entity: entity)
        }
        return id
    }
}

extension Request {
    /// The version from `If-Match` (`"3"`, `W/"3"` or `3`); nil when absent or `*`.
    func ifMatchVersion() throws -> Int64? {
        guard let raw = headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty, raw != "*" else {
            return nil
        }
        var text = raw
        if text.hasPrefix("W/") { text.removeFirst(2) }
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int64(text) else { throw RapportHTTPError.badHeader("If-Match") }
        return version
    }
}
