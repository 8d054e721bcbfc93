import Foundation
import NIOConcurrencyHelpers
import RapportDomain
import RapportStore
import SQLKit

/// Documents made from templates (P8): a proposal or an invoice for a lead or deal, filled
/// for the record (its number counted per template code, today's date in the company's time
/// zone), set as a PDF with the company's logo, stamp and signature, and kept among the
/// record's files — the number, the file and the history entry in one transaction.
public struct DocumentService: Sendable {
    let env: ServiceEnvironment
    let store = DocumentStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    /// Documents go on leads and deals.
    static let owners: [String: AttachmentService.Owner] = ["lead": .lead, "deal": .deal]

    /// Makes a document of `templateID` for the record.
    public func make(templateID: Int64?, for link: WorkTask.Link, by principal: Principal) async throws -> (Document, Attachment) {
        guard let owner = Self.owners[link.entity] else { throw RapportError.notFound(entity: link.entity) }
        guard let templateID else { throw RapportError.invalid("template_id", "required", "template_id is required") }
        let fonts = try env.fonts.fonts()
        let pictures = try await companyPictures()
        let now = env.clock.now()
        let attachments = AttachmentService(env: env)
        // Bytes written in a try that did not commit are removed (a retried transaction writes again).
        let written = NIOLockedValueBox<[String]>([])
        do {
            let made = try await env.database.transaction { db -> (Document, Attachment) in
                try await attachments.requireRecord(owner, link.id, .update, principal, on: db)
                guard let template = try await TemplateStore().find(id: templateID, on: db), template.kind == .document, template.active,
                      template.subject.rawValue == link.entity
                else {
                    throw RapportError.invalid("template_id", "not_found", "no active document template about a \(link.entity) with id \(templateID)")
                }
                let zone = try await SettingsStore().get(on: db)?.timeZone ?? "UTC"
                let number = try await self.store.nextNumber(code: template.code, on: db)
                let date = TemplateContext.day(now, zone)
                let filled = try await TemplateService(env: self.env).render(template, for: link, document: (String(number), now), now: now, db)
                let title = filled.subject.isEmpty ? "\(template.name) № \(number)" : filled.subject
                let pdf = PDFLayout.render(html: filled.html.isEmpty ? Self.paragraphs(filled.text) : filled.html, title: title, fonts: fonts,
                                           pictures: pictures)
                let upload = try attachments.store(fileName: Self.fileName(title), contentType: "application/pdf", bytes: pdf, to: owner, link.id,
                                                   by: principal.userID)
                written.withLockedValue { $0.append(upload.storageName) }
                let attachment = try await attachments.insert(upload, on: db)
                var document = Document(link: link, templateID: template.id, templateVersionID: filled.versionID, code: template.code,
                                        title: title, number: number, date: date, attachmentID: attachment.id, createdBy: principal.userID,
                                        createdAt: now)
                document.id = try await self.store.insert(document, on: db)
                try await self.events.record(link.entity, link.id, .updated, changes: [FieldChange(field: "document", old: nil, new: title)],
                                             by: principal.userID, on: db)
                return (document, attachment)
            }
            env.files.remove(written.withLockedValue { $0 }.filter { $0 != made.1.storageName })
            return made
        } catch {
            env.files.remove(written.withLockedValue { $0 })
            throw error
        }
    }

    /// A record's documents, newest first.
    public func list(of link: WorkTask.Link, by principal: Principal) async throws -> [Document] {
        guard let owner = Self.owners[link.entity] else { throw RapportError.notFound(entity: link.entity) }
        return try await env.database.read { db in
            try await AttachmentService(env: self.env).requireRecord(owner, link.id, .read, principal, on: db)
            return try await self.store.list(link, on: db)
        }
    }

    /// The active document templates about a kind of record.
    public func templates(about entity: String) async throws -> [MessageTemplate] {
        try await env.database.read { db in
            try await TemplateStore().list(on: db).filter { $0.active && $0.kind == .document && $0.subject.rawValue == entity }
        }
    }

    /// Pictures converted for PDFs, by their stored file's name.
    static let convertedPictures = NIOLockedValueBox<[String: PDFImage]>([:])

    /// The company's logo, stamp and signature as `<img src="company:…">` names them.
    func companyPictures() async throws -> [String: PDFImage] {
        let files = try await env.database.read { db in
            let requisites = try await SettingsStore().get(on: db)?.requisites ?? CompanyRequisites()
            var files: [(String, Attachment)] = []
            for picture in CompanyRequisites.Picture.allCases {
                if let id = requisites.fileID(picture), let file = try await AttachmentStore().find(id: id, on: db) {
                    files.append(("company:\(picture.rawValue)", file))
                }
            }
            return files
        }
        var pictures: [String: PDFImage] = [:]
        for (name, file) in files {
            // A stored file never changes (a new picture is a new file): read and converted once.
            if let known = Self.convertedPictures.withLockedValue({ $0[file.storageName] }) {
                pictures[name] = known
                continue
            }
            guard let path = env.files.path(file.storageName), let data = FileManager.default.contents(atPath: path) else {
                env.logger.warning("a company picture's file is missing", metadata: ["picture": "\(name)", "file": "\(file.id)"])
                continue
            }
            // Checked when it was uploaded; one that no longer reads is left out rather than stopping every document.
            do {
                let image = try PDFImage(data)
                pictures[name] = image
                Self.convertedPictures.withLockedValue { cache in
                    if cache.count > 64 { cache.removeAll() }
                    cache[file.storageName] = image
                }
            } catch {
                env.logger.warning("a company picture does not read", metadata: ["picture": "\(name)", "error": "\(error)"])
            }
        }
        return pictures
    }

    /// A plain-text template as paragraphs.
    static func paragraphs(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { "<p>" + XMLScanner.escape($0).replacingOccurrences(of: "\n", with: "<br>") + "</p>" }.joined()
    }

    /// A file name from the title: no path separators, `.pdf` at the end.
    static func fileName(_ title: String) -> String {
        String(title.map { "/\\:*?\"<>|".contains($0) ? "-" : $0 }.prefix(150)) + ".pdf"
    }
}
