import Foundation

/// A file attached to a record. The bytes live in the file store under `storageName`, a
/// random name that says nothing about the file; people see `fileName`.
public struct Attachment: Equatable, Sendable {
    public var id: Int64
    public var entity: String
    public var entityID: Int64
    public var fileName: String
    public var contentType: String
    public var size: Int64
    /// Hex SHA-256 of the bytes.
    public var sha256: String
    public var storageName: String
    public var createdAt: Date
    public var createdBy: Int64?

    public init(id: Int64 = 0, entity: String, entityID: Int64, fileName: String, contentType: String, size: Int64,
                sha256: String, storageName: String, createdAt: Date, createdBy: Int64?) {
        self.id = id; self.entity = entity; self.entityID = entityID; self.fileName = fileName
        self.contentType = contentType; self.size = size; self.sha256 = sha256; self.storageName = storageName
        self.createdAt = createdAt; self.createdBy = createdBy
    }

    /// A file name as it may be shown and sent back: the last path component, without
    /// control characters, at most 255 characters; nil when nothing is left.
    public static func cleanName(_ raw: String) -> String? {
        let last = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }
            .map(Character.init)).trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty, cleaned != ".", cleaned != ".." else { return nil }
        return String(cleaned.prefix(255))
    }

    /// Types a browser may show in place (pictures, PDF, plain text); every other file is
    /// only ever downloaded, as bytes.
    public static let inlineTypes: Set<String> = [
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
    ]

    /// The first bytes each shown-in-place type (but text) must start with.
    static let signatures: [String: [[UInt8]]] = [
        "image/png": [[0x89, 0x50, 0x4E, 0x47]], "image/jpeg": [[0xFF, 0xD8, 0xFF]],
        "image/gif": [Array("GIF87a".utf8), Array("GIF89a".utf8)], "image/webp": [Array("RIFF".utf8)],
        "application/pdf": [Array("%PDF".utf8)],
    ]

    /// The type to keep for a file: a claimed picture or PDF whose bytes say otherwise (a
    /// lying content type) is kept as plain bytes, so it is never shown in place.
    public static func verifiedType(_ claimed: String, firstBytes: Data) -> String {
        guard let signatures = signatures[claimed] else { return claimed }
        let head = Array(firstBytes.prefix(8))
        return signatures.contains { head.starts(with: $0) } ? claimed : "application/octet-stream"
    }
}
