import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

/// Web sign-in through the real pages: the anonymous CSRF cookie, the session cookie, the
/// login throttle, session expiry, CSRF on cookie-authenticated API writes, sign-out, and
/// the one-time first-administrator page.
@Suite struct SessionAuthTests {
    static let adminEmail = "admin@test.example"

    // MARK: Signing in

    @Test(arguments: TestDatabase.kinds)
    func the_login_page_sets_an_anonymous_csrf_cookie(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let page = try await send(client, .get, "/login")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.body.contains(#"action="/login""#))
            let line = try #require(setCookieLine(anonymousCSRFCookieName, in: page.headers))
            let token = cookiePair(line).value
            #expect(!token.isEmpty)
            #expect(cookieAttributes(line).contains("httponly"))
            #expect(csrfField(in: page.body) == token)

            // A returning browser keeps its token.
            let again = try await send(client, .get, "/login",
                                       headers: [.cookie: cookieHeader([(anonymousCSRFCookieName, token)])])
            #expect(csrfField(in: again.body) == token)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func signing_in_sets_a_session_cookie_and_redirects_home(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.makeUser(Self.adminEmail)
            let csrf = try await loginPageCSRF(client)
            let answer = try await postLogin(client, email: Self.adminEmail, password: TestHarness.password, csrf: csrf)
            #expect(answer.status == .found)
            #expect(answer.headers[.location] == "/")
            let line = try #require(setCookieLine(sessionCookieName, in: answer.headers))
            #expect(!cookiePair(line).value.isEmpty)
            let attributes = cookieAttributes(line)
            #expect(attributes.contains("httponly"))
            #expect(attributes.contains("samesite=lax"))
            #expect(attributes.contains("path=/"))
            #expect(attributes.contains("max-age=\(Int(AuthService.sessionLifetime))"))
            #expect(!attributes.contains("secure"), "plain-HTTP settings do not mark cookies Secure")

            let adminPrincipal = try await harness.principal(admin)
            let stored = try await harness.services.users.get(admin.id, by: adminPrincipal)
            #expect(stored.lastLoginAt != nil)

            // The e-mail is matched case-insensitively and trimmed.
            let csrf2 = try await loginPageCSRF(client)
            let shouting = try await postLogin(client, email: "  ADMIN@Test.Example ", password: TestHarness.password,
                                               csrf: csrf2)
            #expect(shouting.status == .found)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_wrong_or_missing_csrf_field_is_403(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let csrf = try await loginPageCSRF(client)

            let wrong = try await postLogin(client, email: Self.adminEmail, password: TestHarness.password, csrf: csrf,
                                            formCSRF: "not-the-token")
            #expect(wrong.status == .forbidden)
            #expect(wrong.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(setCookieLine(sessionCookieName, in: wrong.headers) == nil)

            // No cookie at all: nothing to compare the field with.
            let noCookie = try await send(client, .post, "/login", headers: formHeaders(cookies: []),
                                          body: formEncode([("email", Self.adminEmail),
                                                            ("password", TestHarness.password), ("_csrf", csrf)]))
            #expect(noCookie.status == .forbidden)
            #expect(setCookieLine(sessionCookieName, in: noCookie.headers) == nil)

            // No field.
            let noField = try await send(client, .post, "/login",
                                         headers: formHeaders(cookies: [(anonymousCSRFCookieName, csrf)]),
                                         body: formEncode([("email", Self.adminEmail),
                                                           ("password", TestHarness.password)]))
            #expect(noField.status == .forbidden)
            #expect(setCookieLine(sessionCookieName, in: noField.headers) == nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_wrong_password_or_unknown_user_is_401_with_the_login_page(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let csrf = try await loginPageCSRF(client)

            let wrong = try await postLogin(client, email: Self.adminEmail, password: "wrong-password-1", csrf: csrf)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(wrong.body.contains(#"action="/login""#))
            #expect(wrong.body.contains(#"id="login-error""#))
            #expect(setCookieLine(sessionCookieName, in: wrong.headers) == nil)

            let unknown = try await postLogin(client, email: "nobody@test.example", password: TestHarness.password,
                                              csrf: csrf)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.body.contains(#"action="/login""#))
            #expect(setCookieLine(sessionCookieName, in: unknown.headers) == nil)
            // The same message either way: the page does not tell which e-mails exist.
            #expect(Self.errorMessage(wrong.body) == Self.errorMessage(unknown.body))
            #expect(Self.errorMessage(wrong.body) != nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_disabled_user_with_the_right_password_is_403(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let user = try await harness.makeUser("gone@test.example", role: .salesManager)
            _ = try await harness.services.users.disable(user.id, by: nil)
            let csrf = try await loginPageCSRF(client)

            let answer = try await postLogin(client, email: "gone@test.example", password: TestHarness.password,
                                             csrf: csrf)
            #expect(answer.status == .forbidden)
            #expect(answer.body.contains(#"action="/login""#))
            #expect(setCookieLine(sessionCookieName, in: answer.headers) == nil)

            // With a wrong password it is the ordinary 401: being disabled is only told to the owner.
            let wrong = try await postLogin(client, email: "gone@test.example", password: "wrong-password-1",
                                            csrf: csrf)
            #expect(wrong.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repeated_failures_lock_the_account_with_retry_after(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let csrf = try await loginPageCSRF(client)

            // The default throttle allows five failures; the fifth locks the account.
            for attempt in 1...5 {
                let answer = try await postLogin(client, email: Self.adminEmail, password: "wrong-password-\(attempt)",
                                                 csrf: csrf)
                #expect(answer.status == .unauthorized, "attempt \(attempt)")
            }
            let locked = try await postLogin(client, email: Self.adminEmail, password: "wrong-password-6", csrf: csrf)
            #expect(locked.status == .tooManyRequests)
            let retryText = try #require(locked.headers[.retryAfter])
            let retryAfter = try #require(Int(retryText))
            #expect((1...900).contains(retryAfter))
            #expect(locked.body.contains(#"action="/login""#))

            // While locked even the right password is refused.
            let right = try await postLogin(client, email: Self.adminEmail, password: TestHarness.password, csrf: csrf)
            #expect(right.status == .tooManyRequests)
            #expect(right.headers[.retryAfter] != nil)
            #expect(setCookieLine(sessionCookieName, in: right.headers) == nil)

            // Other accounts are not affected.
            _ = try await harness.makeUser("other@test.example", role: .salesManager)
            let other = try await postLogin(client, email: "other@test.example", password: TestHarness.password,
                                            csrf: csrf)
            #expect(other.status == .found)

            // After the lockout the right password works again.
            harness.clock.advance(by: Double(retryAfter) + 1)
            let later = try await postLogin(client, email: Self.adminEmail, password: TestHarness.password, csrf: csrf)
            #expect(later.status == .found)
            #expect(setCookieValue(sessionCookieName, in: later.headers)?.isEmpty == false)
        }
    }

    // MARK: Using the session

    @Test(arguments: TestDatabase.kinds)
    func the_session_cookie_opens_admin_pages(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let session = try await signIn(client, email: Self.adminEmail)
            let page = try await send(client, .get, "/admin/users", headers: sessionHeaders(session))
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.body.contains(Self.adminEmail))

            // Without the cookie the page sends the browser to sign in, keeping where it was going.
            let anonymous = try await send(client, .get, "/admin/users")
            #expect(anonymous.status == .found)
            #expect(anonymous.headers[.location]?.hasPrefix("/login?next=") == true)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_forged_session_cookie_is_sent_to_sign_in(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            _ = try await signIn(client, email: Self.adminEmail)
            for forged in [SecretGenerator.token(), "x", String(repeating: "a", count: 300)] {
                let page = try await send(client, .get, "/admin/users", headers: sessionHeaders(forged))
                #expect(page.status == .found)
                #expect(page.headers[.location]?.hasPrefix("/login") == true)
                #expect(!page.body.contains(Self.adminEmail))
                let api = try await send(client, .get, "/api/v1/me", headers: sessionHeaders(forged))
                #expect(api.status == .unauthorized)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func an_expired_session_is_sent_to_sign_in(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let session = try await signIn(client, email: Self.adminEmail)
            #expect(try await send(client, .get, "/admin/users", headers: sessionHeaders(session)).status == .ok)

            harness.clock.advance(by: 15 * 86400)
            let page = try await send(client, .get, "/admin/users", headers: sessionHeaders(session))
            #expect(page.status == .found)
            #expect(page.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func a_disabled_users_session_stops_working(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let user = try await harness.makeUser("soon-gone@test.example")
            let session = try await signIn(client, email: "soon-gone@test.example")
            #expect(try await send(client, .get, "/admin/users", headers: sessionHeaders(session)).status == .ok)
            _ = try await harness.services.users.disable(user.id, by: nil)
            let page = try await send(client, .get, "/admin/users", headers: sessionHeaders(session))
            #expect(page.status == .found)
            #expect(page.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func cookie_authenticated_api_writes_need_the_csrf_header(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            let admin = try await harness.makeUser(Self.adminEmail)
            let principal = try await harness.principal(admin)
            let session = try await signIn(client, email: Self.adminEmail)

            // Reads need no token.
            let me = try await client.api(.get, "/api/v1/me", token: nil, headers: sessionHeaders(session))
            #expect(me.status == .ok)
            #expect(jsonValue(me.body, "email") as? String == Self.adminEmail)

            let missing = try await client.api(.post, "/api/v1/departments", token: nil, json: #"{"name": "Ops"}"#,
                                               headers: sessionHeaders(session))
            #expect(missing.status == .forbidden)
            #expect(try problem(missing).type.hasSuffix("/csrf"))

            var wrongHeaders = sessionHeaders(session)
            wrongHeaders[csrfTokenHeader] = "not-the-token"
            let wrong = try await client.api(.post, "/api/v1/departments", token: nil, json: #"{"name": "Ops"}"#,
                                             headers: wrongHeaders)
            #expect(wrong.status == .forbidden)
            #expect(isProblem(wrong))
            #expect(try await harness.services.departments.all(by: principal).isEmpty)

            // The session's token, as the pages carry it.
            let account = try await send(client, .get, "/account", headers: sessionHeaders(session))
            #expect(account.status == .ok)
            let token = try #require(csrfField(in: account.body))
            #expect(!token.isEmpty)
            var headers = sessionHeaders(session)
            headers[csrfTokenHeader] = token
            let created = try await client.api(.post, "/api/v1/departments", token: nil, json: #"{"name": "Ops"}"#,
                                               headers: headers)
            #expect(created.status == .created)
            let names = try await harness.services.departments.all(by: principal).map(\.name)
            #expect(names == ["Ops"])

            // Another session's token does not fit this one.
            let otherSession = try await signIn(client, email: Self.adminEmail)
            let otherAccount = try await send(client, .get, "/account", headers: sessionHeaders(otherSession))
            let otherToken = try #require(csrfField(in: otherAccount.body))
            #expect(otherToken != token)
            var crossed = sessionHeaders(session)
            crossed[csrfTokenHeader] = otherToken
            let refused = try await client.api(.post, "/api/v1/departments", token: nil, json: #"{"name": "Two"}"#,
                                               headers: crossed)
            #expect(refused.status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func signing_out_ends_the_session(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let session = try await signIn(client, email: Self.adminEmail)
            let account = try await send(client, .get, "/account", headers: sessionHeaders(session))
            let token = try #require(csrfField(in: account.body))

            // A sign-out without the token is refused and leaves the session alone.
            let forged = try await send(client, .post, "/logout",
                                        headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                        body: formEncode([("_csrf", "forged")]))
            #expect(forged.status == .forbidden)
            #expect(try await send(client, .get, "/admin/users", headers: sessionHeaders(session)).status == .ok)

            let answer = try await send(client, .post, "/logout",
                                        headers: formHeaders(cookies: [(sessionCookieName, session)]),
                                        body: formEncode([("_csrf", token)]))
            #expect(answer.status == .found)
            #expect(answer.headers[.location] == "/login")
            let cleared = try #require(setCookieLine(sessionCookieName, in: answer.headers))
            #expect(cookiePair(cleared).value.isEmpty)
            #expect(cookieAttributes(cleared).contains("max-age=0"))

            let page = try await send(client, .get, "/admin/users", headers: sessionHeaders(session))
            #expect(page.status == .found)
            #expect(page.headers[.location]?.hasPrefix("/login") == true)
            let api = try await client.api(.get, "/api/v1/me", token: nil, headers: sessionHeaders(session))
            #expect(api.status == .unauthorized)
        }
    }

    // MARK: First run

    @Test(arguments: TestDatabase.kinds)
    func setup_is_closed_once_users_exist(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            _ = try await harness.makeUser(Self.adminEmail)
            let page = try await send(client, .get, "/setup")
            #expect(page.status == .found)
            #expect(page.headers[.location] == "/login")

            let post = try await send(client, .post, "/setup",
                                      headers: formHeaders(cookies: [(anonymousCSRFCookieName, "t0ken")]),
                                      body: formEncode(Self.setupFields(csrf: "t0ken", email: "intruder@test.example")))
            #expect(post.status == .found)
            #expect(post.headers[.location] == "/login")
            #expect(setCookieLine(sessionCookieName, in: post.headers) == nil)
            #expect(try await harness.services.users.find(email: "intruder@test.example") == nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func first_run_creates_the_administrator_once(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { harness, client in
            // No users yet: sign-in sends the browser to the first-administrator page.
            let login = try await send(client, .get, "/login")
            #expect(login.status == .found)
            #expect(login.headers[.location] == "/setup")

            let page = try await send(client, .get, "/setup")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            let csrf = try #require(setCookieValue(anonymousCSRFCookieName, in: page.headers))
            #expect(csrfField(in: page.body) == csrf)

            // A wrong CSRF field creates nothing.
            let forged = try await send(client, .post, "/setup",
                                        headers: formHeaders(cookies: [(anonymousCSRFCookieName, csrf)]),
                                        body: formEncode(Self.setupFields(csrf: "forged", email: "first@test.example")))
            #expect(forged.status == .forbidden)
            #expect(try await harness.services.setup.needsFirstAdministrator())

            // Invalid fields answer the form again and create nothing.
            var invalid = Self.setupFields(csrf: csrf, email: "first@test.example")
            invalid = invalid.map { $0.0 == "company_name" ? ($0.0, "") : $0 }
            let refused = try await send(client, .post, "/setup",
                                         headers: formHeaders(cookies: [(anonymousCSRFCookieName, csrf)]),
                                         body: formEncode(invalid))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains(#"id="company_name-error""#))
            #expect(try await harness.services.setup.needsFirstAdministrator())

            let answer = try await send(client, .post, "/setup",
                                        headers: formHeaders(cookies: [(anonymousCSRFCookieName, csrf)]),
                                        body: formEncode(Self.setupFields(csrf: csrf, email: "first@test.example")))
            #expect(answer.status == .found)
            #expect(answer.headers[.location] == "/")
            let session = try #require(setCookieValue(sessionCookieName, in: answer.headers))
            #expect(!session.isEmpty)

            let found = try await harness.services.users.find(email: "first@test.example")
            let user = try #require(found)
            let administratorRoleID = try await harness.roleID(.administrator)
            #expect(user.roleID == administratorRoleID)
            #expect(user.firstName == "Ada")
            #expect(user.timeZone == "Europe/Berlin")
            #expect(try await harness.services.settings.current().name == "Acme & Co")
            #expect(try await harness.services.settings.current().currency == "EUR")
            #expect(try await harness.services.setup.needsFirstAdministrator() == false)

            // The new session works.
            let users = try await send(client, .get, "/admin/users", headers: sessionHeaders(session))
            #expect(users.status == .ok)
            #expect(users.body.contains("first@test.example"))

            // The page is one-time.
            let second = try await send(client, .post, "/setup",
                                        headers: formHeaders(cookies: [(anonymousCSRFCookieName, csrf)]),
                                        body: formEncode(Self.setupFields(csrf: csrf, email: "second@test.example")))
            #expect(second.status == .found)
            #expect(second.headers[.location] == "/login")
            #expect(setCookieLine(sessionCookieName, in: second.headers) == nil)
            #expect(try await harness.services.users.find(email: "second@test.example") == nil)
            let firstPrincipal = try await harness.principal(user)
            let listed = try await harness.services.users.list(UserQuery(), page: PageRequest(), by: firstPrincipal)
            #expect(listed.items.map(\.id) == [user.id])
            let closed = try await send(client, .get, "/setup")
            #expect(closed.status == .found)
            #expect(closed.headers[.location] == "/login")
        }
    }

    // MARK: Helpers

    static func setupFields(csrf: String, email: String) -> [(String, String)] {
        [("_csrf", csrf), ("company_name", "Acme & Co"), ("time_zone", "Europe/Berlin"), ("currency", "EUR"),
         ("locale", "en"), ("first_name", "Ada"), ("last_name", "Lovelace"), ("email", email),
         ("password", TestHarness.password)]
    }

    /// The text of the sign-in page's error box, if it shows one.
    static func errorMessage(_ html: String) -> String? {
        guard let regex = try? Regex(#"id="login-error">[\s\S]*?<span>([^<]*)</span>"#),
              let match = html.firstMatch(of: regex),
              let text = match.output[1].substring else { return nil }
        return String(text)
    }
}
