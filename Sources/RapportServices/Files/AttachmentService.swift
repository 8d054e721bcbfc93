import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// Files on client records, leads and deals (a measurer's design layout): attaching needs the right to change the record, seeing and
/// downloading the right to read it. Each file added or removed is a change in the record's
/// history.
public struct AttachmentService: Sendable {
    let env: ServiceEnvironment
    let attachments = AttachmentStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// The records files can be attached to.
    public enum Owner: String, Sendable, CaseIterable {
        case company, contact, lead, deal

        var permission: PermissionEntity {
            switch self {
            case .company: .company
            case .contact: .contact
            case .lead: .lead
            case .deal: .deal
            }
        }

        func ownership(_ id: Int64, on db: any SQLDatabase) async throws -> RecordOwnership? {
            switch self {
            case .company: try await CompanyStore().ownership(id: id, on: db)
            case .contact: try await ContactStore().ownership(id: id, on: db)
            case .lead: try await StagePlaceStore().ownership(.lead, id: id, on: db)
            case .deal: try await StagePlaceStore().ownership(.deal, id: id, on: db)
            }
        }
    }

    public var maxBytes: Int { env.maxAttachmentBytes }

    /// Attaches `bytes` as `fileName` to a record.
    public func add(to owner: Owner, _ id: Int64, fileName: String, contentType: String?, bytes: Data,
                    by principal: Principal) async throws -> Attachment {
        try Self.check(fileName: fileName, bytes: bytes, limit: env.maxAttachmentBytes)
        try await requireRecord(owner, id, .update, principal)
        let upload = try store(fileName: fileName, contentType: contentType, bytes: bytes, to: owner, id, by: principal.userID)
        do {
            return try await env.database.transaction { db in
                try await self.requireRecord(owner, id, .update, principal, on: db)
                return try await self.insert(upload, on: db)
            }
        } catch {
            env.files.remove([upload.storageName])  // the row never came to be: nothing may point at the file
            throw error
        }
    }

    /// Checks a file (a name, not empty, within the size limit) and writes its bytes to the
    /// file store, for `insert` to attach in the caller's transaction. A caller whose
    /// transaction fails removes the bytes (`env.files.remove`).
    func store(fileName: String, contentType: String?, bytes: Data, to owner: Owner, _ id: Int64, by userID: Int64?,
               field: String = "file") throws -> Attachment {
        try Self.check(fileName: fileName, bytes: bytes, limit: env.maxAttachmentBytes, field: field)
        let stored = try env.files.write(bytes)
        return Attachment(entity: owner.rawValue, entityID: id, fileName: Attachment.cleanName(fileName)!,
                          contentType: Attachment.verifiedType(Self.contentType(contentType), firstBytes: bytes),
                          size: stored.size, sha256: stored.sha256,
                          storageName: stored.storageName, createdAt: env.clock.now(), createdBy: userID)
    }

    /// A file may be kept: it has a name, is not empty and is within the size limit.
    static func check(fileName: String, bytes: Data, limit: Int, field: String = "file") throws {
        var v = Validator()
        if Attachment.cleanName(fileName) == nil { v.add("\(field)_name", "required", "the file needs a name") }
        if bytes.isEmpty { v.add(field, "empty", "the file is empty") }
        if bytes.count > limit { v.add(field, "too_large", "a file may be at most \(limit >> 20) MiB") }
        try v.throwIfInvalid()
    }

    /// The row of a stored file, and the record's history says it was added; the caller has
    /// checked the right to change the record.
    func insert(_ upload: Attachment, on db: any SQLDatabase) async throws -> Attachment {
        var saved = upload
        saved.id = try await attachments.insert(upload, on: db)
        try await events.record(upload.entity, upload.entityID, .updated,
                                changes: [FieldChange(field: "attachments", old: nil, new: saved.fileName)],
                                by: upload.createdBy, on: db)
        return saved
    }

    /// A record's files, newest first.
    public func list(of owner: Owner, _ id: Int64, by principal: Principal) async throws -> [Attachment] {
        try await env.database.read { db in
            try await self.requireRecord(owner, id, .read, principal, on: db)
            return try await self.attachments.list(entity: owner.rawValue, id: id, on: db)
        }
    }

    /// The files of a record the caller has read.
    public func list(of record: ReadableRecord) async throws -> [Attachment] {
        try await env.database.read { db in
            try await self.attachments.list(entity: record.entity.rawValue, id: record.id, on: db)
        }
    }

    /// One file and where its bytes are, for someone who may read its record.
    public func get(_ attachmentID: Int64, by principal: Principal) async throws -> (attachment: Attachment, path: String) {
        try await env.database.read { db in
            guard let attachment = try await self.attachments.find(id: attachmentID, on: db),
                  let owner = Owner(rawValue: attachment.entity),
                  let path = self.env.files.path(attachment.storageName)
            else { throw RapportError.notFound(entity: "attachment") }
            do {
                try await self.requireRecord(owner, attachment.entityID, .read, principal, on: db)
            } catch RapportError.notFound {
                throw RapportError.notFound(entity: "attachment")
            }
            return (attachment, path)
        }
    }

    public func delete(_ attachmentID: Int64, by principal: Principal) async throws {
        let removed = try await env.database.transaction { db -> Attachment in
            guard let attachment = try await self.attachments.find(id: attachmentID, on: db),
                  let owner = Owner(rawValue: attachment.entity)
            else { throw RapportError.notFound(entity: "attachment") }
            try await self.requireRecord(owner, attachment.entityID, .update, principal, on: db)
            try await self.attachments.delete(id: attachmentID, on: db)
            try await self.events.record(owner.rawValue, attachment.entityID, .updated,
                                         changes: [FieldChange(field: "attachments", old: attachment.fileName, new: nil)],
                                         by: principal.userID, on: db)
            return attachment
        }
        env.files.remove([removed.storageName])
    }

    /// Removes a deleted record's files and documents: the rows in its transaction, the bytes once it commits.
    static func removeAll(of entity: String, _ id: Int64, files: FileStore, on db: any SQLDatabase) async throws {
        try await DocumentStore().deleteAll(WorkTask.Link(entity: entity, id: id), on: db)
        let names = try await AttachmentStore().deleteAll(entity: entity, id: id, on: db)
        if !names.isEmpty { Database.afterCommit { files.remove(names) } }
    }

    func requireRecord(_ owner: Owner, _ id: Int64, _ action: PermissionAction, _ principal: Principal) async throws {
        try await env.database.read { db in try await self.requireRecord(owner, id, action, principal, on: db) }
    }

    func requireRecord(_ owner: Owner, _ id: Int64, _ action: PermissionAction, _ principal: Principal,
                       on db: any SQLDatabase) async throws {
        guard let ownership = try await owner.ownership(id, on: db) else {
            throw RapportError.notFound(entity: owner.rawValue)
        }
        try Access.require(principal, action, owner.permission, record: ownership)
    }

    /// The declared type when it looks like one (`type/subtype`), else plain bytes.
    static func contentType(_ raw: String?) -> String {
        let type = (raw ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let parts = type.split(separator: "/")
        guard parts.count == 2, type.count <= 100,
              type.allSatisfy({ $0.isLetter || $0.isNumber || "/.+-".contains($0) })
        else { return "application/octet-stream" }
        return type
    }
}
