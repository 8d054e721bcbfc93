import Foundation
import RapportDomain
import RapportStore

/// Company settings: name, time zone, currency, locale, and the legal details and pictures
/// (logo, stamp, signature) its documents carry.
public struct SettingsService: Sendable {
    let env: ServiceEnvironment
    let settings = SettingsStore()
    let events: EventRecorder

    public init(env: ServiceEnvironment) {
        self.env = env
        self.events = EventRecorder(clock: env.clock, authCache: env.authCache)
    }

    public struct Input: Sendable, Equatable {
        public var name: String?
        public var timeZone: String?
        public var currency: String?
        public var locale: String?
        /// Replaced whole (the pictures are not: they have their own calls).
        public var requisites: CompanyRequisites?

        public init(name: String? = nil, timeZone: String? = nil, currency: String? = nil, locale: String? = nil,
                    requisites: CompanyRequisites? = nil) {
            self.name = name; self.timeZone = timeZone; self.currency = currency; self.locale = locale
            self.requisites = requisites
        }
    }

    /// The settings as stored; readable by anyone signed in with any `settings` read scope.
    public func get(by principal: Principal?) async throws -> CompanySettings {
        if let principal { try Access.requireAny(principal, .read, .settings) }
        return try await current()
    }

    /// The settings without a permission check, for page chrome and formatting.
    public func current() async throws -> CompanySettings {
        let now = env.clock.now()
        return try await env.database.read { db in try await self.settings.get(on: db) }
            ?? CompanySettings(name: "Rapport", timeZone: "UTC", currency: "RUB", locale: .en, updatedAt: now, version: 0)
    }

    public func update(_ input: Input, expectedVersion: Int64?, by principal: Principal?) async throws -> CompanySettings {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        let now = env.clock.now()
        return try await env.database.transaction { db in
            let stored = try await self.settings.get(on: db)
            let before = stored ?? CompanySettings(name: "", timeZone: "UTC", currency: "RUB", locale: .en, updatedAt: now,
                                                   version: 0)
            try Access.requireVersion(expectedVersion, current: before.version)
            var after = before
            var validator = Validator()
            if let name = input.name { after.name = validator.requireText(name, field: "name", maxLength: 200) }
            if stored == nil && input.name == nil { validator.add("name", "required", "name is required") }
            if let zone = input.timeZone {
                if TimeZoneName.isValid(zone) { after.timeZone = zone } else {
                    validator.add("time_zone", "invalid", "time_zone must be an IANA zone such as Europe/Moscow")
                }
            }
            if let code = input.currency {
                if Currency.isValid(code.uppercased()) { after.currency = code.uppercased() } else {
                    validator.add("currency", "invalid", "currency must be an ISO 4217 code such as RUB")
                }
            }
            if let raw = input.locale {
                if let locale = AppLocale(rawValue: raw) { after.locale = locale } else {
                    validator.add("locale", "invalid", "locale must be one of en, ru")
                }
            }
            if let requisites = input.requisites {
                var checked = Self.checked(requisites, &validator)
                for picture in CompanyRequisites.Picture.allCases { checked.setFileID(picture, before.requisites.fileID(picture)) }
                after.requisites = checked
            }
            try validator.throwIfInvalid()
            after.updatedAt = now
            if stored == nil {
                try await self.settings.insert(after, on: db)
                after.version = 1
            } else {
                guard let version = try await self.settings.update(after, expectedVersion: before.version, on: db) else {
                    throw RapportError.stale(currentVersion: before.version)
                }
                after.version = version
            }
            var changes = ChangeSet()
            changes.compare("name", before.name, after.name)
            changes.compare("time_zone", before.timeZone, after.timeZone)
            changes.compare("currency", before.currency, after.currency)
            changes.compare("locale", before.locale.rawValue, after.locale.rawValue)
            changes.compare("requisites", JSONText.encode(before.requisites), JSONText.encode(after.requisites))
            if !changes.changes.isEmpty {
                try await self.events.record("settings", 1, stored == nil ? .created : .updated,
                                             changes: changes.changes, by: principal?.userID, on: db)
            }
            return after
        }
    }

    static let maxPictureBytes = 5 << 20

    /// Sets the logo, stamp or signature: a JPEG or PNG a document can show (refused with the
    /// reason otherwise), kept as a file of the settings; the one before is removed.
    public func setPicture(_ picture: CompanyRequisites.Picture, fileName: String, contentType: String?, bytes: Data,
                           by principal: Principal?) async throws -> CompanySettings {
        if let principal { try Access.requireAny(principal, .update, .settings) }
        try AttachmentService.check(fileName: fileName, bytes: bytes, limit: Self.maxPictureBytes)
        do { _ = try PDFImage(bytes) } catch let failure as PDFImage.Failure {
            throw RapportError.invalid("file", "unsupported", failure.description)
        }
        let stored = try env.files.write(bytes)
        let now = env.clock.now()
        let file = Attachment(entity: "settings", entityID: 1, fileName: Attachment.cleanName(fileName) ?? "\(picture.rawValue).png",
                              contentType: Attachment.verifiedType(AttachmentService.contentType(contentType), firstBytes: bytes),
                              size: stored.size, sha256: stored.sha256, storageName: stored.storageName, createdAt: now,
                              createdBy: principal?.userID)
        do {
            return try await replacePicture(picture, with: file, by: principal)
        } catch {
            env.files.remove([stored.storageName])
            throw error
        }
    }

    /// Removes the logo, stamp or signature.
    public func removePicture(_ picture: CompanyRequisites.Picture, by principal: Principal) async throws -> CompanySettings {
        try Access.requireAny(principal, .update, .settings)
        return try await replacePicture(picture, with: nil, by: principal)
    }

    /// A picture's file and where its bytes are, for showing it.
    public func picture(_ picture: CompanyRequisites.Picture, by principal: Principal) async throws -> (attachment: Attachment, path: String) {
        try Access.requireAny(principal, .read, .settings)
        return try await env.database.read { db in
            guard let id = try await self.settings.get(on: db)?.requisites.fileID(picture),
                  let file = try await AttachmentStore().find(id: id, on: db), let path = self.env.files.path(file.storageName)
            else { throw RapportError.notFound(entity: picture.rawValue) }
            return (file, path)
        }
    }

    func replacePicture(_ picture: CompanyRequisites.Picture, with file: Attachment?, by principal: Principal?) async throws -> CompanySettings {
        let now = env.clock.now()
        let (saved, old) = try await env.database.transaction { db -> (CompanySettings, String?) in
            guard var current = try await self.settings.get(on: db) else {
                throw RapportError.invalid("name", "required", "set up the company's name first")
            }
            var oldName: String?
            if let oldID = current.requisites.fileID(picture), let oldFile = try await AttachmentStore().find(id: oldID, on: db) {
                try await AttachmentStore().delete(id: oldID, on: db)
                oldName = oldFile.storageName
            }
            let newID = try await file.asyncMapOptional { try await AttachmentStore().insert($0, on: db) }
            let before = current
            current.requisites.setFileID(picture, newID)
            current.updatedAt = now
            guard let version = try await self.settings.update(current, expectedVersion: before.version, on: db) else {
                throw RapportError.stale(currentVersion: before.version)
            }
            current.version = version
            try await self.events.record("settings", 1, .updated,
                                         changes: [FieldChange(field: picture.rawValue, old: oldName == nil ? nil : "set", new: file?.fileName)],
                                         by: principal?.userID, on: db)
            return (current, oldName)
        }
        if let old { env.files.remove([old]) }
        return saved
    }

    /// The legal details checked: INN and KPP by their check digits, the bank account's digits,
    /// lengths of the rest.
    static func checked(_ input: CompanyRequisites, _ v: inout Validator) -> CompanyRequisites {
        var out = CompanyRequisites()
        let prefix = "requisites."
        out.fullName = v.optionalText(input.fullName, field: prefix + "full_name", maxLength: 300)
        if let inn = input.inn?.filter({ !$0.isWhitespace }), !inn.isEmpty {
            if let problem = TaxID.innProblem(inn) { v.add(prefix + "inn", problem.code, problem.message) } else { out.inn = inn }
        }
        if let kpp = input.kpp?.filter({ !$0.isWhitespace }).uppercased(), !kpp.isEmpty {
            if let problem = TaxID.kppCheck(kpp) { v.add(prefix + "kpp", problem.code, problem.message) } else { out.kpp = kpp }
        }
        if let ogrn = input.ogrn?.filter({ !$0.isWhitespace }), !ogrn.isEmpty {
            if [13, 15].contains(ogrn.count), ogrn.allSatisfy({ $0.isASCII && $0.isNumber }) { out.ogrn = ogrn } else {
                v.add(prefix + "ogrn", "invalid", "ogrn must have 13 digits (15 for a sole trader)")
            }
        }
        out.legalAddress = v.optionalText(input.legalAddress, field: prefix + "legal_address", maxLength: 500)
        out.phone = v.optionalText(input.phone, field: prefix + "phone", maxLength: 50)
        if let email = input.email, !email.trimmingCharacters(in: .whitespaces).isEmpty {
            if let normalized = Email.normalize(email) { out.email = normalized } else { v.add(prefix + "email", "invalid", "email is not an e-mail address") }
        }
        out.website = v.optionalText(input.website, field: prefix + "website", maxLength: 200)
        if let bank = input.bankAccount { out.bankAccount = CompanyService.bankAccount(bank, validator: &v, prefix: prefix + "bank_account.") }
        out.director = v.optionalText(input.director, field: prefix + "director", maxLength: 200)
        out.accountant = v.optionalText(input.accountant, field: prefix + "accountant", maxLength: 200)
        return out
    }
}
