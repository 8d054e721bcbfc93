import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run off the event loops (each hash takes tens of milliseconds by design).
public struct PasswordHasher: Sendable {
    /// The bcrypt cost; 12 in production, lower in tests to keep them quick.
    public var cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash, at `cost`, of a random secret nobody knows: verified against when the account
    /// does not exist, so an unknown e-mail takes as long as a wrong password.
    static func decoyHash(cost: UInt8) -> String {
        Bcrypt.hash(SecretGenerator.token(), cost: cost)
    }
}
