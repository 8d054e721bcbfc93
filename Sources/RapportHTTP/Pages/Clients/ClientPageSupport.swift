import Foundation
import Hummingbird
import RapportDomain
import RapportServices
import RapportStore

/// Pieces the company and contact cards share: the history, the responsible picker, channel
/// text areas.
struct ClientPageSupport {
    let pages: PageRenderer
    let users: UserService
    let fields: CustomFieldService

    /// The entity's active custom fields, in their order.
    func definitions(_ entity: CustomFieldEntity, by principal: Principal) async throws -> [CustomFieldDefinition] {
        try await fields.list(entity: entity, by: principal)
    }

    /// The card's custom section: `has_custom_fields` and `custom_fields`.
    func customSection(_ definitions: [CustomFieldDefinition], values: CustomValues, submitted: [String: String],
                       errors: [String: String], names: [Int64: String], locale: AppLocale,
                       timeZone: String) -> [String: Any] {
        let users = names.map { (id: $0.key, name: $0.value) }.sorted { $0.name < $1.name }
        return [
            "has_custom_fields": !definitions.isEmpty,
            "custom_fields": CustomFieldForm(pages: pages).model(definitions, values: values, submitted: submitted,
                                                                 errors: errors, users: users, locale: locale,
                                                                 timeZone: timeZone),
        ]
    }

    /// The list's custom columns (a sortable one's header links to sorting by it), and the
    /// inputs for filterable fields in the filter bar.
    func customListModel(_ definitions: [CustomFieldDefinition], request: Request, listPath: String,
                         locale: AppLocale) -> [String: Any] {
        let parameters = request.uri.queryParameters
        let current = parameters.get("sort")
        let descending = parameters.get("order") == "desc"
        let columns = definitions.filter(\.showInList).map { d -> [String: Any] in
            var column: [String: Any] = ["label": d.label]
            if d.sortable {
                let sorted = current == "cf.\(d.code)"
                column["sort_href"] = "\(listPath)?sort=cf.\(d.code)&order=\(sorted && !descending ? "desc" : "asc")"
                if sorted { column["sort_state"] = descending ? "descending" : "ascending" }
            }
            return column
        }
        let filters = definitions.filter(\.filterable).map { d -> [String: Any] in
            let name = "cf.\(d.code)"
            var filter: [String: Any] = ["name": name, "label": d.label, "id": "filter-cf-\(d.code)"]
            switch d.type {
            case .choice, .multiChoice:
                filter["is_select"] = true
                filter["options"] = d.options.map { PageModel.option($0.code, $0.label, selected: parameters.get(name) == $0.code) }
            case .boolean:
                filter["is_select"] = true
                filter["options"] = [("true", "yes"), ("false", "no")].map {
                    PageModel.option($0.0, pages.text($0.1, locale), selected: parameters.get(name) == $0.0)
                }
            case .number, .money, .date, .dateTime:
                filter["is_range"] = true
                filter["input_type"] = d.type == .date ? "date" : "text"
                filter["from_name"] = name + ".from"
                filter["to_name"] = name + ".to"
                filter["from_value"] = parameters.get(name + ".from") ?? ""
                filter["to_value"] = parameters.get(name + ".to") ?? ""
            case .text, .user, .record:
                filter["is_text"] = true
                filter["value"] = parameters.get(name) ?? ""
            }
            return filter
        }
        return ["custom_columns": columns, "has_custom_columns": !columns.isEmpty, "custom_filters": filters, "has_custom_filters": !filters.isEmpty,
                "custom_filters_open": parameters.contains { $0.key.hasPrefix("cf.") && !$0.value.isEmpty }]
    }

    /// One list row's custom cells, in the columns' order.
    func customCells(_ definitions: [CustomFieldDefinition], _ values: CustomValues, names: [Int64: String],
                     locale: AppLocale, timeZone: String) -> [[String: Any]] {
        let form = CustomFieldForm(pages: pages)
        return definitions.filter(\.showInList).map { d in
            ["value": values[d.code].map { form.display($0, d, names: names, locale: locale, timeZone: timeZone) } ?? ""]
        }
    }

    /// A service error's field as the form names it: `custom.<code>` is the input `cf_<code>`.
    static func formField(_ field: String) -> String {
        field.hasPrefix("custom.") ? "cf_" + field.dropFirst("custom.".count) : field
    }

    /// The timeline of a card: events newest first, fields in people's words.
    func timeline(_ events: [Event], names: [Int64: String], locale: AppLocale, timeZone: String,
                  definitions: [CustomFieldDefinition]) -> [[String: Any]] {
        let custom = Dictionary(definitions.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        return events.map { event in
            [
                "when": Formatting.dateTime(event.occurredAt, locale: locale, timeZone: timeZone) ?? "",
                "actor": event.actorID.map { names[$0] ?? "#\($0)" } ?? pages.text("actor_system", locale),
                "action_label": pages.text("event_\(event.action.rawValue)", locale),
                "changes": pages.changeRows(event.changes, names: names, locale, custom: custom, timeZone: timeZone),
            ]
        }
    }

    /// Active users the record may be given to, with `selected` the current responsible.
    func owners(selected: Int64?, by principal: Principal) async throws -> (options: [[String: Any]], names: [Int64: String]) {
        let all = try await users.list(.init(sort: .lastName), page: .init(limit: PageRequest.maxLimit), by: principal).items
        let names = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.displayName) })
        let options = all.filter { $0.isActive || $0.id == selected }
            .map { PageModel.option(String($0.id), $0.displayName, selected: $0.id == selected) }
        return (options, names)
    }

    /// One channel per line of a text area, keeping the type of a value that was already there.
    static func channels(_ text: String?, kind: ChannelKind, existing: [ContactChannel]) -> [ContactChannel] {
        (text ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .map { value in
                ContactChannel(kind: kind, type: existing.first { $0.kind == kind && $0.value == value }?.type, value: value)
            }
    }

    /// The channels of `kinds` from the form, the others kept as they were.
    static func merged(_ form: PageForm, _ fields: [(String, ChannelKind)], existing: [ContactChannel]) -> [ContactChannel] {
        let edited = Set(fields.map(\.1))
        return existing.filter { !edited.contains($0.kind) }
            + fields.flatMap { channels(form[$0.0], kind: $0.1, existing: existing) }
    }

    static func lines(_ channels: [ContactChannel], _ kind: ChannelKind) -> String {
        channels.filter { $0.kind == kind }.map(\.value).joined(separator: "\n")
    }

    /// Duplicate candidates for the "looks like" panel: link, name, why.
    func duplicates(_ candidates: [DuplicateCandidate], locale: AppLocale) -> [[String: Any]] {
        candidates.map { candidate in
            [
                "href": "/clients/\(candidate.entity == "company" ? "companies" : "contacts")/\(candidate.id)",
                "name": candidate.name,
                "reasons": candidate.reasons.map { pages.text("duplicate_reason_\($0.rawValue)", locale) }
                    .joined(separator: ", "),
            ]
        }
    }

    /// Initials for an avatar from a display name.
    static func initials(_ name: String?) -> String {
        String((name ?? "").split(separator: " ").prefix(2).compactMap(\.first)).uppercased()
    }
}
