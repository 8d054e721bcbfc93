import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

// Shared helpers for the HTTP tests: raw requests, JSON and problem documents, cookies,
// form encoding and CSRF tokens read out of pages.

/// What a request answered: status, headers and the body as text.
typealias HTTPAnswer = (status: HTTPResponse.Status, headers: HTTPFields, body: String)

/// Header names the application uses that HTTPTypes does not name.
let idempotencyKeyHeader = HTTPField.Name("Idempotency-Key")!
let idempotentReplayedHeader = HTTPField.Name("Idempotent-Replayed")!
let csrfTokenHeader = HTTPField.Name("X-CSRF-Token")!
let requestIDHeader = HTTPField.Name("X-Request-ID")!

/// The cookie names Rapport sets.
let sessionCookieName = "rapport_session"
let anonymousCSRFCookieName = "rapport_csrf"

/// Sends any request (any headers, any body, no defaults added) and reads the answer.
func send(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String,
          headers: HTTPFields = [:], body: String? = nil) async throws -> HTTPAnswer {
    let response = try await client.executeRequest(uri: path, method: method, headers: headers,
                                                   body: body.map { ByteBuffer(string: $0) })
    return (response.status, response.headers, String(buffer: response.body))
}

/// Sends bytes and reads bytes (pictures, PDFs), where `send` reads text.
func sendBytes(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String,
               headers: HTTPFields = [:], body: Data? = nil) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: Data) {
    let response = try await client.executeRequest(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
    return (response.status, response.headers, Data(response.body.readableBytesView))
}

// MARK: - People and tokens

/// A personal API token's secret for `user`.
func apiToken(_ harness: TestHarness, for user: User, expiresInDays: Int? = nil) async throws -> String {
    try await harness.services.tokens.create(name: "t", expiresInDays: expiresInDays, for: user.id, by: nil).secret
}

/// An administrator, their principal and a bearer token.
func adminWithToken(_ harness: TestHarness, _ email: String = "admin@test.example") async throws
    -> (user: User, principal: Principal, token: String)
{
    let user = try await harness.makeUser(email)
    let principal = try await harness.principal(user)
    let token = try await apiToken(harness, for: user)
    return (user, principal, token)
}

// MARK: - JSON

/// Decodes a JSON answer with snake_case keys into camelCase properties.
func decode<T: Decodable>(_ type: T.Type, _ body: String) throws -> T {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(T.self, from: Data(body.utf8))
}

/// An RFC 9457 problem document as Rapport writes it.
struct WireProblem: Decodable {
    struct Field: Decodable {
        var field: String
        var code: String
        var message: String
    }

    var type: String
    var title: String
    var status: Int
    var detail: String?
    var errors: [Field]?
    var currentVersion: Int64?

    /// The fields the validation errors name.
    var fields: [String] { (errors ?? []).map(\.field) }
}

/// A list answer's rows (only the keys tests look at) and its cursor.
struct WireList<Row: Decodable>: Decodable {
    var data: [Row]
    var nextCursor: String?
}

struct WireUser: Decodable {
    var id: Int64
    var email: String
    var firstName: String
    var lastName: String
    var departmentId: Int64?
    var roleId: Int64
    var workingStatus: String
    var isActive: Bool
    var version: Int64
}

struct WireDepartment: Decodable {
    var id: Int64
    var name: String
    var parentId: Int64?
    var version: Int64
}

struct WireRole: Decodable {
    var id: Int64
    var key: String?
    var name: String
    var permissions: [String: [String: String]]
    var version: Int64
}

struct WireEvent: Decodable {
    var id: Int64
    var entity: String
    var entityId: Int64
    var action: String
}

/// True when the answer is a problem document (`application/problem+json`).
func isProblem(_ answer: HTTPAnswer) -> Bool {
    answer.headers[.contentType]?.lowercased().hasPrefix("application/problem+json") ?? false
}

/// The answer's problem document; records an issue and throws when it is not one.
func problem(_ answer: HTTPAnswer, sourceLocation: SourceLocation = #_sourceLocation) throws -> WireProblem {
    #expect(isProblem(answer), "expected application/problem+json, got \(answer.headers[.contentType] ?? "nothing")",
            sourceLocation: sourceLocation)
    return try decode(WireProblem.self, answer.body)
}

/// The raw top-level JSON object of an answer.
func jsonObject(_ body: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
}

// MARK: - URLs and forms

/// Percent-encodes everything but RFC 3986 unreserved characters (for query values and forms).
func percentEscape(_ text: String) -> String {
    let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
}

/// `application/x-www-form-urlencoded` text of the fields, in order.
func formEncode(_ fields: [(String, String)]) -> String {
    fields.map { "\(percentEscape($0.0))=\(percentEscape($0.1))" }.joined(separator: "&")
}

/// Headers for posting a form with the given cookies.
func formHeaders(cookies: [(String, String)]) -> HTTPFields {
    var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    if !cookies.isEmpty { headers[.cookie] = cookieHeader(cookies) }
    return headers
}

/// A `Cookie` request header value.
func cookieHeader(_ cookies: [(String, String)]) -> String {
    cookies.map { "\($0.0)=\($0.1)" }.joined(separator: "; ")
}

// MARK: - Cookies and CSRF

/// The name and value of a `Set-Cookie` line (the part before the first `;`).
func cookiePair(_ line: String) -> (name: String, value: String) {
    let first = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map { String($0) } ?? ""
    guard let equals = first.firstIndex(of: "=") else { return (first.trimmingCharacters(in: .whitespaces), "") }
    let name = String(first[..<equals]).trimmingCharacters(in: .whitespaces)
    let value = String(first[first.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
    return (name, value)
}

/// The whole `Set-Cookie` line that sets `name`, if any.
func setCookieLine(_ name: String, in headers: HTTPFields) -> String? {
    for line in headers[values: .setCookie] where cookiePair(line).name == name {
        return line
    }
    return nil
}

/// The value a `Set-Cookie` header gives `name` (possibly empty, when it clears the cookie).
func setCookieValue(_ name: String, in headers: HTTPFields) -> String? {
    setCookieLine(name, in: headers).map { cookiePair($0).value }
}

/// The attributes of a `Set-Cookie` line, lower-cased (`httponly`, `samesite=lax`, `max-age=0`, …).
func cookieAttributes(_ line: String) -> [String] {
    line.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
}

/// The first hidden `_csrf` field's value in a page.
func csrfField(in html: String) -> String? {
    guard let regex = try? Regex(#"name="_csrf"\s+value="([^"]*)""#),
          let match = html.firstMatch(of: regex),
          let value = match.output[1].substring else { return nil }
    return String(value)
}

// MARK: - Web sign-in

/// Opens the sign-in page and returns the anonymous CSRF token its cookie carries
/// (checking the form field carries the same one).
func loginPageCSRF(_ client: any TestClientProtocol, sourceLocation: SourceLocation = #_sourceLocation) async throws
    -> String
{
    let page = try await send(client, .get, "/login")
    #expect(page.status == .ok, sourceLocation: sourceLocation)
    let token = try #require(setCookieValue(anonymousCSRFCookieName, in: page.headers), sourceLocation: sourceLocation)
    #expect(!token.isEmpty, sourceLocation: sourceLocation)
    #expect(csrfField(in: page.body) == token, sourceLocation: sourceLocation)
    return token
}

/// Posts the sign-in form with the anonymous CSRF cookie `csrf` and the field `formCSRF`
/// (the same token unless a test forges it).
func postLogin(_ client: any TestClientProtocol, email: String, password: String, csrf: String,
               formCSRF: String? = nil) async throws -> HTTPAnswer {
    try await send(client, .post, "/login",
                   headers: formHeaders(cookies: [(anonymousCSRFCookieName, csrf)]),
                   body: formEncode([("email", email), ("password", password), ("_csrf", formCSRF ?? csrf)]))
}

/// Signs in through the real pages and returns the session cookie value.
func signIn(_ client: any TestClientProtocol, email: String, password: String = TestHarness.password,
            sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
    let csrf = try await loginPageCSRF(client, sourceLocation: sourceLocation)
    let answer = try await postLogin(client, email: email, password: password, csrf: csrf)
    #expect(answer.status == .found, "sign-in failed: \(answer.status)", sourceLocation: sourceLocation)
    let session = try #require(setCookieValue(sessionCookieName, in: answer.headers), sourceLocation: sourceLocation)
    #expect(!session.isEmpty, sourceLocation: sourceLocation)
    return session
}

/// Headers carrying only the session cookie.
func sessionHeaders(_ session: String) -> HTTPFields {
    [.cookie: cookieHeader([(sessionCookieName, session)])]
}

// MARK: - The kitchen maker's sales team

/// Seed 002's people: the kitchen pipelines in Russian, the company named `company`, the sales
/// department headed by Глеб Главный, and its managers Анна Лисова and Борис Котов.
enum SalesTeam {
    static func make(_ harness: TestHarness, company: String, by admin: Principal) async throws -> (head: User, anna: User, boris: User) {
        _ = try await KitchenPipelines(env: harness.services.env).install(.ru)
        _ = try await harness.services.settings.update(.init(name: company, locale: "ru"), expectedVersion: nil, by: admin)
        let sales = try await harness.department("Продажи")
        let head = try await harness.makeUser("head@x.example", role: .headOfSales, first: "Глеб", last: "Главный")
        _ = try await harness.services.departments.update(sales.id, .init(name: "Продажи", headUserID: head.id), expectedVersion: nil,
                                                          by: admin)
        let anna = try await harness.makeUser("anna@x.example", role: .salesManager, department: sales.id, first: "Анна", last: "Лисова")
        let boris = try await harness.makeUser("boris@x.example", role: .salesManager, department: sales.id, first: "Борис", last: "Котов")
        return (head, anna, boris)
    }
}
