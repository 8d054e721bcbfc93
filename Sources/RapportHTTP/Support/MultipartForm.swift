import Foundation
import Hummingbird
import RapportServices

/// A `multipart/form-data` body (RFC 7578), read whole: text fields and files by field name.
/// The body is already bounded by the route's size limit.
struct MultipartForm {
    struct File {
        var fileName: String
        var contentType: String?
        var bytes: Data
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: File] = [:]

    /// A page's multipart form, read whole within `limit` plus room for the framing: refused as
    /// a CSRF failure unless it is well-formed and carries the session's `_csrf` field.
    static func read(_ request: Request, context: RapportRequestContext, csrf expected: String?, limit: Int) async throws -> MultipartForm {
        let body = Data(buffer: try await request.body.collect(upTo: limit + (64 << 10)))
        guard let boundary = boundary(request.headers[.contentType]), let form = MultipartForm(body, boundary: boundary),
              let expected, let sent = form.fields["_csrf"], SecretGenerator.constantTimeEquals(sent, expected)
        else { throw RapportHTTPError.csrf }
        return form
    }

    /// The boundary from a `Content-Type: multipart/form-data; boundary=…` header.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.count) ? value : nil
            }
        }
        return nil
    }

    /// Nil when the body is not well-formed multipart with this boundary.
    init?(_ body: Data, boundary: String) {
        let delimiter = Data("--\(boundary)".utf8)
        let separator = Data("\r\n\r\n".utf8)
        guard let first = body.range(of: delimiter) else { return nil }
        var position = first.upperBound
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            let rest = body[position...]
            if rest.starts(with: Data("--".utf8)) { return }
            guard rest.starts(with: Data("\r\n".utf8)) else { return nil }
            let start = position + 2
            guard let headEnd = body.range(of: separator, in: start..<body.endIndex),
                  let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headEnd.upperBound..<body.endIndex)
            else { return nil }
            let head = String(decoding: body[start..<headEnd.lowerBound], as: UTF8.self)
            let content = body[headEnd.upperBound..<next.lowerBound]
            var name: String?, fileName: String?, type: String?
            for line in head.components(separatedBy: "\r\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                switch parts[0].lowercased() {
                case "content-disposition":
                    name = Self.parameter("name", in: parts[1])
                    fileName = Self.parameter("filename", in: parts[1])
                case "content-type": type = parts[1]
                default: break
                }
            }
            if let name {
                if let fileName {
                    files[name] = File(fileName: fileName, contentType: type, bytes: Data(content))
                } else {
                    fields[name] = String(decoding: content, as: UTF8.self)
                }
            }
            position = next.upperBound
        }
    }

    /// A `key="value"` parameter of a header (quotes optional).
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == key else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }
}
