import Crypto
import Foundation
import RapportDomain

/// The bytes of attached files, in a folder: each under a random 32-hex-digit name in a
/// sub-folder of its first two digits. A file is written whole under a temporary name and
/// then renamed, so a crash never leaves half a file under a real name.
public struct FileStore: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// A folder of its own under the system's temporary folder (tests, throwaway servers).
    public static func temporary() -> FileStore {
        FileStore(root: FileManager.default.temporaryDirectory.appendingPathComponent("rapport-files-\(UUID().uuidString)"))
    }

    public struct Stored: Sendable {
        public var storageName: String
        public var size: Int64
        public var sha256: String
    }

    /// Writes `bytes` under a new random name.
    public func write(_ bytes: Data) throws -> Stored {
        var generator = SystemRandomNumberGenerator()
        let name = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let folder = root.appendingPathComponent(String(name.prefix(2)), isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(".\(name).part")
            // Written under a part name, then renamed: the rename is the atomic step.
            try bytes.write(to: temporary)
            try FileManager.default.moveItem(at: temporary, to: folder.appendingPathComponent(name))
        } catch {
            throw RapportError.unavailable("the file store refused the file: \(error.localizedDescription)")
        }
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        return Stored(storageName: name, size: Int64(bytes.count), sha256: digest)
    }

    /// Where a stored file is; nil for a name that is not one of ours.
    public func path(_ storageName: String) -> String? {
        guard storageName.count == 32, storageName.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return root.appendingPathComponent(String(storageName.prefix(2))).appendingPathComponent(storageName).path
    }

    /// Removes stored files; one already gone is no error.
    public func remove(_ storageNames: [String]) {
        for name in storageNames {
            guard let path = path(name) else { continue }
            // A missing file is fine: the goal is that it is gone.
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
