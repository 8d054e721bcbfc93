import Foundation
import Hummingbird
import RapportServices

/// A submitted `application/x-www-form-urlencoded` form.
struct PageForm {
    /// One value per field; a field sent several times (checkboxes) has its values joined by
    /// new lines here and listed one by one in `all`.
    private(set) var values: [String: String] = [:]
    private var repeated: [String: [String]] = [:]

    /// Reads the form and checks its `_csrf` field against `expected`.
    /// - Throws: `RapportHTTPError.csrf` when the token is missing or wrong.
    static func read(_ request: Request, context: RapportRequestContext, csrf expected: String?) async throws -> PageForm {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let form = PageForm(encoded: String(buffer: buffer))
        guard let expected, let sent = form.values["_csrf"], SecretGenerator.constantTimeEquals(sent, expected) else {
            throw RapportHTTPError.csrf
        }
        return form
    }

    /// A form sent to a public page (a web form on the company's site, posted from anywhere):
    /// there is no session, so no CSRF token; the page's own token and limits guard it.
    static func readPublic(_ request: Request, context: RapportRequestContext) async throws -> [String: String] {
        PageForm(encoded: String(buffer: try await request.body.collect(upTo: context.maxUploadSize))).values
    }

    init(encoded: String) {
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if let earlier = values[key] {
                repeated[key, default: [earlier]].append(value)
                values[key] = earlier + "\n" + value
            } else {
                values[key] = value
            }
        }
    }

    private static func decode(_ text: Substring) -> String {
        (text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text))
            .replacingOccurrences(of: "\0", with: "")
    }

    subscript(_ key: String) -> String? { values[key] }

    /// The value, or nil when the field is absent or blank.
    func text(_ key: String) -> String? {
        guard let value = values[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every value sent for `key` (checkboxes), in order.
    func all(_ key: String) -> [String] {
        repeated[key] ?? values[key].map { [$0] } ?? []
    }

    /// A select's id; 0 for "none", nil when absent or not a number.
    func id(_ key: String) -> Int64? { values[key].flatMap { Int64($0) } }

    /// The id a record picker chose: its hidden id, or — when scripts did not run — the
    /// `#123` (or bare number) typed into its search box.
    static func pickedID(_ hidden: String?, _ typed: String?) -> Int64? {
        if let id = hidden.flatMap({ Int64($0) }), id > 0 { return id }
        guard let text = typed?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let digits = text.split(separator: "#").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return Int64(digits).flatMap { $0 > 0 ? $0 : nil }
    }

    /// A comma-separated list.
    func list(_ key: String) -> [String] {
        (values[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
