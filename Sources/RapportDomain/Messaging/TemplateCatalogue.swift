/// The placeholders a template about each kind of record may use, so that saving a template
/// with one that does not exist is refused with its position. A record's own fields go under
/// its name (`lead.title`, `deal.amount`, `lead.cf.style` for a custom field); the client
/// (`client.name`, `client.phone` …), the responsible (`responsible.name` …), our company
/// (`company.name` …), the visit (`visit.date` …), the document (`document.number`) and the
/// totals (`totals.total_in_words`) beside them; `{{#line_items}} … {{/line_items}}` repeats
/// for each line item with its own fields.
public enum TemplateCatalogue {
    public static let leadFields = [
        "title", "client_name", "first_name", "middle_name", "last_name", "phone", "email", "company_name", "source", "campaign",
        "topic", "client_type", "object_address", "region", "language", "amount", "preliminary_amount", "currency", "comments",
    ]
    public static let dealFields = ["title", "amount", "preliminary_amount", "currency", "close_date", "probability"]
    public static let contactFields = ["name", "first_name", "middle_name", "last_name", "position", "phone", "email", "region"]
    public static let companyFields = ["name", "full_name", "inn", "kpp", "phone", "email", "region", "legal_address"]
    public static let clientFields = ["name", "first_name", "salutation", "phone", "email", "company", "buyer"]
    public static let responsibleFields = ["name", "first_name", "last_name", "position", "phone", "email"]
    public static let ownCompanyFields = ["name", "full_name", "phone", "email", "site", "address", "inn", "kpp", "ogrn", "bank_name", "bik",
                                          "account", "correspondent_account", "director", "accountant"]
    public static let visitFields = ["kind", "date", "time", "address", "technician_name", "technician_phone"]
    public static let documentFields = ["number", "date"]
    public static let totalsFields = ["amount", "tax", "total", "total_in_words", "count"]
    public static let lineItemFields = ["position", "name", "quantity", "unit", "price", "discount", "tax", "total"]
    public static let sections = ["line_items"]

    /// Every placeholder outside sections a template about `subject` may use; custom fields
    /// (`<record>.cf.<code>`) are checked by the caller against the record's definitions.
    public static func fields(for subject: MessageTemplate.Subject) -> Set<String> {
        var names: [String] = ["today"]
        names += clientFields.map { "client." + $0 }
        names += responsibleFields.map { "responsible." + $0 }
        names += ownCompanyFields.map { "company." + $0 }
        names += documentFields.map { "document." + $0 }
        switch subject {
        case .lead:
            names += leadFields.map { "lead." + $0 } + totalsFields.map { "totals." + $0 }
        case .deal:
            names += dealFields.map { "deal." + $0 } + totalsFields.map { "totals." + $0 }
        case .contact:
            names += contactFields.map { "contact." + $0 }
        case .company:
            names += companyFields.map { "client_company." + $0 }
        case .visit:
            names += visitFields.map { "visit." + $0 } + leadFields.map { "lead." + $0 }
        }
        return Set(names)
    }

    /// The sections a template about `subject` may repeat, with the fields inside each.
    public static func sections(for subject: MessageTemplate.Subject) -> [String: Set<String>] {
        subject == .lead || subject == .deal ? ["line_items": Set(lineItemFields)] : [:]
    }
}
