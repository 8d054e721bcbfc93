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

    /// The timeline of a card: events newest first, fields in people's words.
    func timeline(_ events: [Event], names: [Int64: String], locale: AppLocale, timeZone: String) -> [[String: Any]] {
        events.map { event in
            [
                "when": Formatting.dateTime(event.occurredAt, locale: locale, timeZone: timeZone) ?? "",
                "actor": event.actorID.map { names[$0] ?? "#\($0)" } ?? pages.text("actor_system", locale),
                "action_label": pages.text("event_\(event.action.rawValue)", locale),
                "changes": pages.changeRows(event.changes, names: names, locale),
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
