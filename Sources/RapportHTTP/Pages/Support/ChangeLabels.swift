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
        // Fields of leads and deals are named where their gates name them.
        return label == key ? PipelineFieldLabels.label(field, locale) : label
    }

    func valueLabel(_ field: String, _ value: String, names: [Int64: String], _ locale: AppLocale) -> String {
        // A task's status and a client's share the field name; their words do not overlap.
        let prefixes: [String] = switch field {
        case "kind": ["kind_"]
        case "interaction_kind": ["interaction_kind_"]
        case "status": ["client_status_", "task_status_", "interaction_status_"]
        case "priority": ["task_priority_", "interaction_priority_"]
        case "state": ["interaction_state_"]
        case "type": ["interaction_type_"]
        case "direction": ["interaction_direction_"]
        case "reliability": ["reliability_"]
        case "working_status": ["status_"]
        default: []
        }
        for prefix in prefixes {
            let key = prefix + value
            let label = text(key, locale)
            if label != key { return label }
        }
        if field == "owner_id" || field == "head_user_id", let id = Int64(value) { return names[id] ?? value }
        if field == "co_executor_ids" || field == "observer_ids" {
            return value.split(separator: ",").map { part in
                let id = part.trimmingCharacters(in: .whitespaces)
                return Int64(id).flatMap { names[$0] } ?? id
            }.joined(separator: ", ")
        }
        return value
    }

    /// Fields whose values are moments (ISO 8601), shown in the reader's time zone.
    static let momentFields: Set<String> = ["deadline", "start_at", "completed_at"]

    /// The rows of one event's changes; an empty side is left out (the template shows a dash).
    /// `custom.<code>` fields read with their definition's label and values when given.
    func changeRows(_ changes: [FieldChange], names: [Int64: String], _ locale: AppLocale,
                    custom: [String: CustomFieldDefinition] = [:], timeZone: String = "UTC") -> [[String: Any]] {
        let form = CustomFieldForm(pages: self)
        return changes.map { change in
            let definition = change.field.hasPrefix("custom.") ? custom[String(change.field.dropFirst("custom.".count))] : nil
            func label(_ value: String) -> String {
                if Self.momentFields.contains(change.field), let date = ISO8601.parse(value) {
                    return Formatting.dateTime(date, locale: locale, timeZone: timeZone) ?? value
                }
                if change.field == "reminders" {
                    return value.components(separatedBy: ", ").map { part in
                        ISO8601.parse(part).flatMap { Formatting.dateTime($0, locale: locale, timeZone: timeZone) } ?? part
                    }.joined(separator: ", ")
                }
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
