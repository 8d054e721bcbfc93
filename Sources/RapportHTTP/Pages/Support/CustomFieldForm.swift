import Foundation
import RapportDomain

/// Custom fields on pages: the inputs of a card's form (`cf_<code>`), what a submitted form
/// sends to the service, and a value as a list cell or a history line shows it.
struct CustomFieldForm {
    let pages: PageRenderer

    static func name(_ d: CustomFieldDefinition) -> String { "cf_\(d.code)" }

    /// The form's custom values. A many-of list sends a hidden `cf_<code>__shown` so that
    /// unticking every box clears it; a date-time is read in the viewer's time zone.
    static func inputs(_ form: PageForm, _ definitions: [CustomFieldDefinition], timeZone: String) -> [String: CustomInput] {
        var result: [String: CustomInput] = [:]
        for d in definitions where !d.archived {
            let key = name(d)
            if d.type == .multiChoice {
                guard form[key + "__shown"] != nil else { continue }
                result[d.code] = .list(form.all(key).filter { !$0.isEmpty }.map(CustomInput.text))
                continue
            }
            guard let raw = form[key] else { continue }
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if d.type == .dateTime, !text.isEmpty {
                // A value the browser did not write is passed on as typed, for the service to refuse.
                result[d.code] = .text(Formatting.parseLocalInput(text, timeZone: timeZone).map(ISO8601.string) ?? text)
            } else {
                result[d.code] = .text(text)
            }
        }
        return result
    }

    /// The inputs of a card's custom section: the stored values, or what was just submitted.
    func model(_ definitions: [CustomFieldDefinition], values: CustomValues, submitted: [String: String],
               errors: [String: String], users: [(id: Int64, name: String)], locale: AppLocale,
               timeZone: String) -> [[String: Any]] {
        definitions.filter { !$0.archived }.map { d in
            let key = Self.name(d)
            let stored = values[d.code]
            let shown: String = submitted[key] ?? stored.map { value in
                switch d.type {
                case .dateTime: value.integerValue.map { Formatting.localInput(Date(millis: $0), timeZone: timeZone) } ?? ""
                default: CustomFieldRules.text(value, for: d)
                }
            } ?? ""
            // What was just submitted wins (a many-of list sends `__shown` even with no box ticked).
            let chosen: Set<String> = submitted[key] != nil || submitted[key + "__shown"] != nil
                ? Set((submitted[key] ?? "").split(separator: "\n").map(String.init))
                : Set(stored?.listValue ?? stored?.textValue.map { [$0] } ?? [])
            var item: [String: Any] = [
                "name": key, "label": d.label, "value": shown, "required": d.required,
                "type_\(d.type.rawValue)": true,
            ]
            if d.type.hasOptions {
                item["options"] = d.options.map { ["code": $0.code, "label": $0.label, "selected": chosen.contains($0.code)] }
            }
            if d.type == .boolean {
                item["options"] = [("", pages.text("custom_boolean_unset", locale)), ("true", pages.text("yes", locale)),
                                   ("false", pages.text("no", locale))]
                    .map { ["code": $0.0, "label": $0.1, "selected": $0.0 == shown] }
            }
            if d.type == .user {
                item["options"] = users.map { ["code": String($0.id), "label": $0.name, "selected": String($0.id) == shown] }
            }
            if d.type == .money { item["hint"] = pages.text("custom_money_hint", locale) + " (\(d.currency ?? ""))" }
            if d.type == .record {
                item["hint"] = pages.text("custom_record_hint_\(d.linkEntity?.rawValue ?? "company")", locale)
                if let id = stored?.integerValue {
                    item["link"] = "/clients/\(d.linkEntity == .contact ? "contacts" : "companies")/\(id)"
                }
            }
            if let error = errors[key] { item["error"] = error }
            return item
        }
    }

    /// A value as a list cell or a card shows it, in the viewer's words.
    func display(_ value: CustomValue, _ d: CustomFieldDefinition?, names: [Int64: String], locale: AppLocale,
                 timeZone: String) -> String {
        guard let d else { return CustomFieldRules.text(value, for: nil) }
        switch d.type {
        case .money: return value.integerValue.map { Formatting.money($0, currency: d.currency, locale: locale) } ?? ""
        case .number: return Formatting.number(CustomFieldRules.text(value, for: d), locale: locale)
        case .date: return value.textValue.flatMap(CalendarDate.init).map { Formatting.date($0, locale: locale) } ?? ""
        case .dateTime:
            return Formatting.dateTime(value.integerValue.map { Date(millis: $0) }, locale: locale, timeZone: timeZone) ?? ""
        case .boolean:
            if case .bool(let flag) = value { return pages.text(flag ? "yes" : "no", locale) }
            return CustomFieldRules.text(value, for: d)
        case .choice: return value.textValue.map { d.option($0)?.label ?? $0 } ?? ""
        case .multiChoice: return (value.listValue ?? []).map { d.option($0)?.label ?? $0 }.joined(separator: ", ")
        case .user: return value.integerValue.map { names[$0] ?? "#\($0)" } ?? ""
        case .record, .text: return CustomFieldRules.text(value, for: d)
        }
    }

    /// A history line's value (`CustomFieldRules.text`) in the viewer's words.
    func display(historyText text: String, _ d: CustomFieldDefinition, names: [Int64: String], locale: AppLocale,
                 timeZone: String) -> String {
        let value: CustomValue? = switch d.type {
        case .money: MinorUnits.parse(text, digits: MinorUnits.digits(d.currency)).map(CustomValue.integer)
        case .dateTime: ISO8601.parse(text).map { .integer($0.millis) }
        case .boolean: .bool(text == "true")
        case .multiChoice: .list(text.components(separatedBy: "; "))
        case .user: Int64(text).map(CustomValue.integer)
        case .number: Double(text).map(CustomValue.number)
        default: .text(text)
        }
        return value.map { display($0, d, names: names, locale: locale, timeZone: timeZone) } ?? text
    }
}
