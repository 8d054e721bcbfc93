import RapportDomain
import RapportStore
import SQLKit

/// Turns one row of an imported file into the input a person would have typed, through the
/// column mapping. Values are checked later by the same services as the pages and the API;
/// only what needs looking up (the responsible, a contact's company) is resolved here.
struct ImportRowReader {
    let entity: String
    let mapping: [Int: String]
    /// Active users by lower-cased e-mail and by "first last" / "last first".
    let users: [String: Int64]
    /// The pipelines and stages of the imported kind (leads, deals), by name.
    var places = Places()
    let companyByINN: (String) async throws -> Int64?
    let companyByName: (String) async throws -> Int64?
    /// A contact by e-mail, phone or full name.
    var contactByText: (String) async throws -> Int64? = { _ in nil }

    /// Pipelines and their stages as a file names them: case, ё and punctuation aside.
    struct Places {
        var pipelines: [String: Int64] = [:]
        var stages: [Int64: [String: Int64]] = [:]
        /// A stage by name in any pipeline: the first pipeline that has it.
        var anyStage: [String: Int64] = [:]

        init(_ list: [Pipeline] = []) {
            for pipeline in list {
                if pipelines[Self.key(pipeline.name)] == nil { pipelines[Self.key(pipeline.name)] = pipeline.id }
                for stage in pipeline.stages {
                    stages[pipeline.id, default: [:]][Self.key(stage.name)] = stage.id
                    if anyStage[Self.key(stage.name)] == nil { anyStage[Self.key(stage.name)] = stage.id }
                }
            }
        }

        static func key(_ name: String) -> String { ImportTargets.normalize(name) }

        /// The row's pipeline and stage: a stage is looked for in the named pipeline, else in all.
        func place(pipeline: String?, stage: String?, into v: inout Validator) -> (pipelineID: Int64?, stageID: Int64?) {
            var pipelineID: Int64?
            if let pipeline {
                pipelineID = pipelines[Self.key(pipeline)]
                if pipelineID == nil { v.add("pipeline", "not_found", "no pipeline \(pipeline)") }
            }
            guard let stage else { return (pipelineID, nil) }
            let found = pipelineID.map { stages[$0]?[Self.key(stage)] } ?? anyStage[Self.key(stage)]
            if found == nil, pipeline == nil || pipelineID != nil { v.add("stage", "not_found", "no stage \(stage)") }
            return (pipelineID, found)
        }
    }

    /// The row's cells by target; an empty cell is left out (nothing to set or change).
    func cells(_ row: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for (column, target) in mapping where column < row.count {
            let value = row[column].trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty { result[target] = value }
        }
        return result
    }

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == ";" || $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func word(_ text: String?) -> String? {
        text.map { ImportTargets.words[$0.lowercased().replacingOccurrences(of: "ё", with: "е")] ?? $0.lowercased() }
    }

    func custom(_ cells: [String: String]) -> [String: CustomInput]? {
        let values = cells.filter { $0.key.hasPrefix("cf.") }
        guard !values.isEmpty else { return nil }
        return Dictionary(uniqueKeysWithValues: values.map { (String($0.key.dropFirst(3)), CustomInput.text($0.value)) })
    }

    /// The responsible named in the row, or a field error.
    func responsible(_ cells: [String: String], into v: inout Validator) -> Int64? {
        guard let text = cells["responsible"] else { return nil }
        let key = text.lowercased().split(separator: " ").joined(separator: " ")
        if let id = users[key] { return id }
        v.add("responsible", "not_found", "no active user \(text)")
        return nil
    }

    func company(_ cells: [String: String], into v: inout Validator) throws -> CompanyInput {
        var addresses: [Address] = []
        if let text = cells["legal_address"] { addresses.append(Address(kind: "legal", text: text)) }
        if let text = cells["delivery_address"] { addresses.append(Address(kind: "delivery", text: text)) }
        let channels = Self.list(cells["phones"]).map { ContactChannel(kind: .phone, value: $0) }
            + Self.list(cells["emails"]).map { ContactChannel(kind: .email, value: $0) }
            + Self.list(cells["websites"]).map { ContactChannel(kind: .website, value: $0) }
        var leadTime: Int?
        if let text = cells["lead_time_days"] {
            leadTime = Int(text)
            if leadTime == nil { v.add("lead_time_days", "invalid", "lead_time_days must be a whole number of days") }
        }
        return CompanyInput(
            kind: Self.word(cells["kind"]), status: Self.word(cells["status"]), shortName: cells["short_name"],
            fullName: cells["full_name"], inn: cells["inn"], kpp: cells["kpp"], foreignTaxID: cells["foreign_tax_id"],
            addresses: addresses.isEmpty ? nil : addresses, channels: channels.isEmpty ? nil : channels,
            region: cells["region"], timeZone: cells["time_zone"], reliability: Self.word(cells["reliability"]),
            clientClass: cells["client_class"], priceType: cells["price_type"], deliveryTerms: cells["delivery_terms"],
            leadTimeDays: leadTime, advertisingSource: cells["advertising_source"], birthday: cells["birthday"],
            workStartedOn: cells["work_started_on"], ownerID: responsible(cells, into: &v), custom: custom(cells))
    }

    func lead(_ cells: [String: String], into v: inout Validator) -> LeadInput {
        var input = LeadInput()
        let name = Self.personName(cells)
        input.title = cells["title"]
        (input.lastName, input.firstName, input.middleName) = (name.last, name.first, name.middle)
        input.phones = cells["phones"].map { Self.list($0) }
        input.emails = cells["emails"].map { Self.list($0) }
        input.companyName = cells["company_name"]
        input.source = cells["source"] ?? "import"
        input.campaign = cells["campaign"]
        (input.utmSource, input.utmMedium, input.utmCampaign) = (cells["utm_source"], cells["utm_medium"], cells["utm_campaign"])
        (input.utmContent, input.utmTerm) = (cells["utm_content"], cells["utm_term"])
        input.topic = cells["topic"]
        input.clientType = cells["client_type"]
        input.objectAddress = cells["object_address"]
        input.region = cells["region"]
        input.language = cells["language"]
        input.amount = cells["amount"].map(MoneyText.init)
        input.comments = cells["comments"]
        input.ownerID = responsible(cells, into: &v)
        input.custom = custom(cells)
        input.stageID = places.place(pipeline: nil, stage: cells["stage"], into: &v).stageID
        return input
    }

    func deal(_ cells: [String: String], into v: inout Validator) async throws -> DealInput {
        var input = DealInput()
        input.title = cells["title"]
        if let name = cells["company"] {
            input.companyID = try await company(named: name)
            if input.companyID == nil { v.add("company", "not_found", "no company \(name)") }
        }
        if let text = cells["contact"] {
            input.contactID = try await contactByText(text)
            if input.contactID == nil { v.add("contact", "not_found", "no contact \(text)") }
        }
        input.amount = cells["amount"].map(MoneyText.init)
        input.currency = cells["currency"]
        input.closeDate = cells["close_date"].map(Self.day)
        if let text = cells["probability"] {
            input.probability = Int(text.replacingOccurrences(of: "%", with: "").trimmingCharacters(in: .whitespaces))
            if input.probability == nil { v.add("probability", "invalid", "probability must be a whole number from 0 to 100") }
        }
        input.ownerID = responsible(cells, into: &v)
        input.custom = custom(cells)
        (input.pipelineID, input.stageID) = places.place(pipeline: cells["pipeline"], stage: cells["stage"], into: &v)
        return input
    }

    /// A company by its INN (10 or 12 digits) or by its name.
    func company(named name: String) async throws -> Int64? {
        let digits = name.filter(\.isNumber)
        return digits.count == name.count && (digits.count == 10 || digits.count == 12)
            ? try await companyByINN(digits) : try await companyByName(name)
    }

    /// The e-mail or phone a cell holds (normalised), or nil for anything else (a name).
    static func channel(_ text: String) -> (ChannelKind, String)? {
        if text.contains("@") { return Email.normalize(text).map { (.email, $0) } }
        guard !text.contains(where: \.isLetter), text.filter(\.isNumber).count >= 5 else { return nil }
        return Phone.normalize(text).map { (.phone, $0) }
    }

    /// Whether `text` names the contact: their name words in any order (all of them, or last and first).
    static func contact(_ contact: Contact, isNamedBy text: String) -> Bool {
        let words = { (s: String) in Set(ImportTargets.normalize(s).split(separator: " ")) }
        let name = [contact.lastName, contact.firstName, contact.middleName].compactMap { $0 }.joined(separator: " ")
        let wanted = words(text)
        return !wanted.isEmpty && (wanted == words(name)
            || wanted == words([contact.lastName, contact.firstName].compactMap { $0 }.joined(separator: " ")))
    }

    /// `31.12.2026` as `2026-12-31`; anything else as written (checked by the service).
    static func day(_ text: String) -> String {
        let parts = text.split(separator: ".")
        guard parts.count == 3, parts[2].count == 4, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else { return text }
        return "\(parts[2])-\(parts[1].count == 1 ? "0" : "")\(parts[1])-\(parts[0].count == 1 ? "0" : "")\(parts[0])"
    }

    /// The person's name parts: from their own columns, or from a «Фамилия Имя Отчество» column.
    static func personName(_ cells: [String: String]) -> (last: String?, first: String?, middle: String?) {
        var last = cells["last_name"], first = cells["first_name"], middle = cells["middle_name"]
        if let full = cells["full_name"] {
            let parts = full.split(separator: " ").map(String.init)
            if parts.count == 1 { first = first ?? parts[0] } else {
                last = last ?? parts[0]
                first = first ?? parts[1]
                if parts.count > 2 { middle = middle ?? parts[2...].joined(separator: " ") }
            }
        }
        return (last, first, middle)
    }

    func contact(_ cells: [String: String], into v: inout Validator) async throws -> ContactInput {
        // «Фамилия Имя Отчество», as Russian lists write people.
        let (last, first, middle) = Self.personName(cells)
        let channels = Self.list(cells["phones"]).map { ContactChannel(kind: .phone, value: $0) }
            + Self.list(cells["emails"]).map { ContactChannel(kind: .email, value: $0) }
            + Self.list(cells["messengers"]).map { ContactChannel(kind: .messenger, value: $0) }
        var links: [ContactInput.LinkInput]?
        if let name = cells["company"] {
            if let found = try await company(named: name) { links = [.init(companyID: found, role: cells["company_role"])] } else {
                v.add("company", "not_found", "no company \(name)")
            }
        }
        return ContactInput(
            firstName: first, middleName: middle, lastName: last, position: cells["position"],
            channels: channels.isEmpty ? nil : channels, birthday: cells["birthday"], timeZone: cells["time_zone"],
            region: cells["region"], ownerID: responsible(cells, into: &v), companies: links, custom: custom(cells))
    }
}
