/// What a column of an imported file can fill, per record type, and the headers that name
/// each target in Russian and English spreadsheets (and in Rapport's own exports).
/// Custom fields are `cf.<code>` and are recognised by their code or label.
public enum ImportTargets {
    public static let company: [(code: String, headers: [String])] = [
        ("short_name", ["short_name", "name", "название", "наименование", "компания", "организация", "краткое наименование",
                        "company", "company name", "контрагент"]),
        ("full_name", ["full_name", "полное наименование", "полное название", "юридическое название", "legal name"]),
        ("kind", ["kind", "тип", "вид", "тип контрагента", "type"]),
        ("status", ["status", "статус"]),
        ("inn", ["inn", "инн", "tax id"]),
        ("kpp", ["kpp", "кпп"]),
        ("foreign_tax_id", ["foreign_tax_id", "vat", "vat id", "иностранный налоговый номер"]),
        ("phones", ["phones", "phone", "телефон", "телефоны", "тел", "mobile", "мобильный"]),
        ("emails", ["emails", "email", "e mail", "почта", "электронная почта", "эл почта"]),
        ("websites", ["websites", "website", "site", "сайт", "web"]),
        ("legal_address", ["legal_address", "юридический адрес", "адрес", "address"]),
        ("delivery_address", ["delivery_address", "адрес доставки", "фактический адрес", "delivery address"]),
        ("region", ["region", "регион", "город", "city"]),
        ("time_zone", ["time_zone", "часовой пояс", "time zone"]),
        ("reliability", ["reliability", "надежность", "надёжность"]),
        ("client_class", ["client_class", "класс", "класс клиента", "class"]),
        ("price_type", ["price_type", "тип цен", "price type"]),
        ("delivery_terms", ["delivery_terms", "условия доставки", "delivery terms"]),
        ("lead_time_days", ["lead_time_days", "срок поставки", "lead time"]),
        ("advertising_source", ["advertising_source", "источник", "рекламный источник", "source"]),
        ("birthday", ["birthday", "день рождения компании", "дата основания"]),
        ("work_started_on", ["work_started_on", "дата начала работы", "работаем с"]),
        ("responsible", ["responsible", "ответственный", "менеджер", "owner", "manager"]),
    ]

    public static let contact: [(code: String, headers: [String])] = [
        ("full_name", ["full_name", "фио", "контакт", "contact", "full name", "name"]),
        ("last_name", ["last_name", "фамилия", "last name", "surname"]),
        ("first_name", ["first_name", "имя", "first name"]),
        ("middle_name", ["middle_name", "отчество", "middle name"]),
        ("position", ["position", "должность", "title", "job title"]),
        ("phones", ["phones", "phone", "телефон", "телефоны", "тел", "mobile", "мобильный"]),
        ("emails", ["emails", "email", "e mail", "почта", "электронная почта", "эл почта"]),
        ("messengers", ["messengers", "мессенджер", "мессенджеры", "telegram", "whatsapp"]),
        ("birthday", ["birthday", "день рождения", "дата рождения"]),
        ("time_zone", ["time_zone", "часовой пояс", "time zone"]),
        ("region", ["region", "регион", "город", "city"]),
        ("company", ["company", "companies", "компания", "организация", "место работы"]),
        ("company_role", ["company_role", "роль", "роль в компании", "role"]),
        ("responsible", ["responsible", "ответственный", "менеджер", "owner", "manager"]),
    ]

    public static let lead: [(code: String, headers: [String])] = [
        ("title", ["title", "название", "название лида", "заголовок", "лид", "lead"]),
        ("full_name", ["full_name", "фио", "клиент", "контакт", "contact", "full name", "name", "client"]),
        ("last_name", ["last_name", "фамилия", "last name", "surname"]),
        ("first_name", ["first_name", "имя", "first name"]),
        ("middle_name", ["middle_name", "отчество", "middle name"]),
        ("phones", ["phones", "phone", "телефон", "телефоны", "тел", "mobile", "мобильный"]),
        ("emails", ["emails", "email", "e mail", "почта", "электронная почта", "эл почта"]),
        ("company_name", ["company_name", "company", "компания", "организация", "название компании"]),
        ("source", ["source", "источник"]),
        ("campaign", ["campaign", "кампания", "рекламная кампания"]),
        ("utm_source", ["utm_source"]), ("utm_medium", ["utm_medium"]), ("utm_campaign", ["utm_campaign"]),
        ("utm_content", ["utm_content"]), ("utm_term", ["utm_term"]),
        ("topic", ["topic", "тема", "тема обращения", "запрос"]),
        ("client_type", ["client_type", "тип клиента", "client type"]),
        ("object_address", ["object_address", "адрес объекта", "адрес", "address"]),
        ("region", ["region", "регион", "город", "city"]),
        ("language", ["language", "язык"]),
        ("amount", ["amount", "сумма", "бюджет", "budget"]),
        ("comments", ["comments", "комментарий", "комментарии", "примечание", "notes"]),
        ("stage", ["stage", "этап", "стадия", "статус", "status"]),
        ("responsible", ["responsible", "ответственный", "менеджер", "owner", "manager"]),
    ]

    public static let deal: [(code: String, headers: [String])] = [
        ("title", ["title", "название", "название сделки", "сделка", "deal", "deal name"]),
        ("company", ["company", "компания", "организация", "контрагент", "клиент", "client", "инн"]),
        ("contact", ["contact", "контакт", "контактное лицо", "фио", "contact person"]),
        ("amount", ["amount", "сумма", "бюджет", "budget"]),
        ("currency", ["currency", "валюта"]),
        ("close_date", ["close_date", "дата закрытия", "ожидаемая дата закрытия", "close date", "expected close date"]),
        ("probability", ["probability", "вероятность", "вероятность %"]),
        ("pipeline", ["pipeline", "воронка", "направление"]),
        ("stage", ["stage", "этап", "стадия", "статус", "status"]),
        ("responsible", ["responsible", "ответственный", "менеджер", "owner", "manager"]),
    ]

    /// The import's record kinds.
    public static let entities = ["company", "contact", "lead", "deal"]

    static func targets(_ entity: String) -> [(code: String, headers: [String])] {
        switch entity {
        case "company": company
        case "lead": lead
        case "deal": deal
        default: contact
        }
    }

    public static func builtIn(_ entity: String) -> [String] {
        targets(entity).map(\.code)
    }

    /// A header in the form headers are compared in: lower case, ё as е, letters and digits
    /// separated by single spaces.
    public static func normalize(_ header: String) -> String {
        header.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }

    /// The target a header most likely names, or nil. `custom` are (code, label) pairs.
    public static func guess(_ header: String, entity: String, custom: [(code: String, label: String)]) -> String? {
        let wanted = normalize(header)
        guard !wanted.isEmpty else { return nil }
        for target in targets(entity)
        where target.headers.contains(where: { normalize($0) == wanted }) {
            return target.code
        }
        return custom.first { normalize($0.code) == wanted || normalize($0.label) == wanted || normalize("cf.\($0.code)") == wanted }
            .map { "cf.\($0.code)" }
    }

    /// Company kinds and client statuses as people write them in Russian.
    public static let words: [String: String] = [
        "клиент": "client", "поставщик": "supplier", "конкурент": "competitor", "дилер": "dealer", "перевозчик": "carrier",
        "партнер": "partner", "потенциальный": "prospect", "действующий": "active", "высокая": "high",
        "средняя": "medium", "низкая": "low",
    ]
}
