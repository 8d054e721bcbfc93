import Foundation
import RapportDomain
import RapportServices
import RapportStore
import RapportTestSupport
import Testing

@Suite struct AuthServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func a_right_password_opens_a_session_and_wrong_ones_do_not(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            try await harness.makeUser("a@x.example")
            let auth = harness.services.auth
            let session = try await auth.login(email: "A@X.example", password: TestHarness.password, ip: "1.1.1.1",
                                               userAgent: "test")
            #expect(try await auth.principal(sessionCookie: session.cookieValue)?.user.email == "a@x.example")
            await #expect(throws: RapportError.unauthenticated) {
                try await auth.login(email: "a@x.example", password: "wrong-password", ip: "1.1.1.1", userAgent: nil)
            }
            await #expect(throws: RapportError.unauthenticated) {
                try await auth.login(email: "nobody@x.example", password: TestHarness.password, ip: "1.1.1.1", userAgent: nil)
            }
            #expect(try await auth.principal(sessionCookie: "forged") == nil)
            #expect(try await auth.principal(sessionCookie: String(repeating: "x", count: 5000)) == nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func sessions_expire(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            try await harness.makeUser("a@x.example")
            let session = try await harness.services.auth.login(email: "a@x.example", password: TestHarness.password,
                                                                ip: nil, userAgent: nil)
            harness.clock.advance(by: AuthService.sessionLifetime + 1)
            #expect(try await harness.services.auth.principal(sessionCookie: session.cookieValue) == nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repeated_failures_lock_the_account_and_the_address(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            try await harness.makeUser("a@x.example")
            let auth = harness.services.auth
            for _ in 0..<5 {
                await #expect(throws: RapportError.unauthenticated) {
                    try await auth.login(email: "a@x.example", password: "nope-nope", ip: "2.2.2.2", userAgent: nil)
                }
            }
            // Locked: even the right password waits, from this address or another.
            await #expect(throws: RapportError.rateLimited(retryAfterSeconds: 900)) {
                try await auth.login(email: "a@x.example", password: TestHarness.password, ip: "3.3.3.3", userAgent: nil)
            }
            // The address is looser (20 failures), so other accounts still sign in from it…
            try await harness.makeUser("b@x.example")
            _ = try await auth.login(email: "b@x.example", password: TestHarness.password, ip: "2.2.2.2", userAgent: nil)
            // …until a spray over many accounts reaches its limit.
            for index in 0..<20 {
                await #expect(throws: RapportError.self) {
                    try await auth.login(email: "spray\(index)@x.example", password: "nope-nope", ip: "4.4.4.4", userAgent: nil)
                }
            }
            await #expect(throws: RapportError.rateLimited(retryAfterSeconds: 900)) {
                try await auth.login(email: "b@x.example", password: TestHarness.password, ip: "4.4.4.4", userAgent: nil)
            }
            // After the lockout it works again.
            harness.clock.advance(by: 901)
            _ = try await auth.login(email: "a@x.example", password: TestHarness.password, ip: "3.3.3.3", userAgent: nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func changing_the_password_checks_the_old_one_and_ends_other_sessions(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            try await harness.makeUser("a@x.example")
            let auth = harness.services.auth
            let first = try await auth.login(email: "a@x.example", password: TestHarness.password, ip: nil, userAgent: nil)
            let second = try await auth.login(email: "a@x.example", password: TestHarness.password, ip: nil, userAgent: nil)
            let principal = try #require(try await auth.principal(sessionCookie: first.cookieValue))
            await #expect(throws: RapportError.validation([FieldError(field: "current_password", code: "wrong",
                                                                      message: "the current password is wrong")])) {
                try await auth.changePassword(principal, current: "not-it-at-all", new: "new-password-1",
                                              keepingSession: first.cookieValue)
            }
            await #expect(throws: RapportError.self) {
                try await auth.changePassword(principal, current: TestHarness.password, new: "short",
                                              keepingSession: first.cookieValue)
            }
            try await auth.changePassword(principal, current: TestHarness.password, new: "new-password-1",
                                          keepingSession: first.cookieValue)
            #expect(try await auth.principal(sessionCookie: first.cookieValue) != nil)
            #expect(try await auth.principal(sessionCookie: second.cookieValue) == nil)
            _ = try await auth.login(email: "a@x.example", password: "new-password-1", ip: nil, userAgent: nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func tokens_are_shown_once_stored_hashed_and_revocable(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let user = try await harness.makeUser("a@x.example")
            let issued = try await harness.services.tokens.create(name: "ci", expiresInDays: 30, for: user.id, by: nil)
            #expect(issued.secret.hasPrefix("rpt_"))
            let stored = try await harness.database.read { db in
                try await db.raw("SELECT token_hash FROM api_tokens").all().map { try $0.decode(column: "token_hash", as: String.self) }
            }
            #expect(stored == [SecretGenerator.hash(issued.secret)])
            #expect(try await harness.services.auth.principal(bearerToken: issued.secret)?.userID == user.id)
            _ = try await harness.services.tokens.revoke(issued.token.id, by: nil)
            #expect(try await harness.services.auth.principal(bearerToken: issued.secret) == nil)
            // expiry
            let short = try await harness.services.tokens.create(name: "short", expiresInDays: 1, for: user.id, by: nil)
            harness.clock.advance(by: 86400 + 1)
            #expect(try await harness.services.auth.principal(bearerToken: short.secret) == nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func another_users_token_cannot_be_revoked_without_admin_rights(kind: DatabaseKind) async throws {
        try await TestHarness.with(kind) { harness in
            let owner = try await harness.makeUser("o@x.example", role: .support)
            let other = try await harness.principal(try await harness.makeUser("p@x.example", role: .support))
            let issued = try await harness.services.tokens.create(name: "mine", expiresInDays: nil, for: owner.id, by: nil)
            await #expect(throws: RapportError.notFound(entity: "api_token")) {
                try await harness.services.tokens.revoke(issued.token.id, by: other)
            }
        }
    }
}
