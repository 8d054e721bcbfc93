import HummingbirdBcrypt
import NIOConcurrencyHelpers
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

    /// `verify` against `hash`, or — for an account that does not exist — against the decoy,
    /// so both take as long; false for the decoy.
    func verify(_ password: String, hashOrDecoy hash: String?) async throws -> Bool {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            Bcrypt.verify(password, hash: hash ?? Self.decoyHash(cost: cost)) && hash != nil
        }
    }

    /// A hash, at `cost`, of a random secret nobody knows: verified against when the account
    /// does not exist, so an unknown e-mail takes as long as a wrong password. Made once per
    /// process and cost, when first needed (every command that opens the services used to pay
    /// a quarter of a second for it).
    static func decoyHash(cost: UInt8) -> String {
        decoys.withLockedValue { known in
            if let hash = known[cost] { return hash }
            let hash = Bcrypt.hash(SecretGenerator.token(), cost: cost)
            known[cost] = hash
            return hash
        }
    }

    private static let decoys = NIOLockedValueBox([UInt8: String]())
}
