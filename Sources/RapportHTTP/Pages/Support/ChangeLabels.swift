import RapportDomain

/// How changed fields and their values read in the audit log and on cards' histories:
/// `role_id` → "Role", `permissions.lead.read` → "Lead — Read", `kind: dealer` → "Dealer",
/// a user id → the user's name.
extension PageRenderer {
    func fieldLabel(_ field: String, _ locale: AppLocale) -> String {
        let parts = field.split(separator: ".")
        if parts.count == 3, parts[0] == "permissions" {
            return text("entity_\(parts[1])", locale) + " — " + text("action_\(parts[2])", locale)
        }
        let aliases = ["department_id": "department", "role_id": "role", "locale": "language",
                       "parent_id": "parent_department", "head_user_id": "head_user"]
        let key = "field_" + (aliases[field] ?? field)
        let label = text(key, locale)
        return label == key ? field : label
    }

    func valueLabel(_ field: String, _ value: String, names: [Int64: String], _ locale: AppLocale) -> String {
        let prefix: String? = switch field {
        case "kind": "kind_"
        case "status": "client_status_"
        case "reliability": "reliability_"
        case "working_status": "status_"
        default: nil
        }
        if let prefix {
            let key = prefix + value
            let label = text(key, locale)
            return label == key ? value : label
        }
        if field == "owner_id" || field == "head_user_id", let id = Int64(value) { return names[id] ?? value }
        return value
    }

    /// The rows of one event's changes; an empty side is left out (the template shows a dash).
    /// `custom.<code>` fields read with their definition's label and values when given.
    func changeRows(_ changes: [FieldChange], names: [Int64: String], _ locale: AppLocale,
                    custom: [String: CustomFieldDefinition] = [:], timeZone: String = "UTC") -> [[String: Any]] {
        let form = CustomFieldForm(pages: self)
        return changes.map { change in
            let definition = change.field.hasPrefix("custom.") ? custom[String(change.field.dropFirst("custom.".count))] : nil
            func label(_ value: String) -> String {
                guard let definition else { return valueLabel(change.field, value, names: names, locale) }
                return form.display(historyText: value, definition, names: names, locale: locale, timeZone: timeZone)
            }
            var row: [String: Any] = ["field": definition?.label ?? fieldLabel(change.field, locale)]
            if let old = change.old { row["old"] = label(old) }
            if let new = change.new { row["new"] = label(new) }
            return row
        }
    }
}
