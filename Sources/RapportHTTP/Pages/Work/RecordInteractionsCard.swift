import Foundation
import RapportDomain
import RapportServices
import RapportStore

/// The "Interactions" card on a client's page: a quick note, buttons to log a call or plan a
/// meeting about the client, "Call" buttons for its phones when a PBX takes click-to-call
/// requests, and its latest interactions (linked to it or with it taking part).
struct RecordInteractionsCard {
    let pages: InteractionPages
    let telephony: TelephonyService

    /// `name` is the record's own (read by the caller); `kind` narrows the list; `returnTo` is
    /// where the quick note leads back to (the card by default); `phones` are the record's own.
    func model(_ entity: String, _ id: Int64, name: String, kind: Interaction.Kind? = nil, names: [Int64: String],
               phones: [String] = [], by principal: Principal, locale: AppLocale, returnTo: String? = nil) async throws
        -> [String: Any]
    {
        guard principal.may(.read, .activity) || principal.may(.create, .activity) else { return [:] }
        let record = WorkTask.Link(entity: entity, id: id)
        var query = InteractionStore.Query(mineOnly: !principal.may(.read, .activity), kind: kind, record: record)
        query.withParticipants = false  // the timeline shows no participants
        let page = try await pages.interactions.list(query, page: .init(limit: 10), by: principal)
        let records = try await pages.interactions.recordNames(page.items, known: [record: name], by: principal)
        let about = "link_entity=\(entity)&link_id=\(id)"
        var dial = principal.may(.create, .activity) && !phones.isEmpty
        if dial { dial = try await telephony.clickToCallAvailable() }
        return [
            "interactions_card": true,
            "record_entity": entity, "record_id": id, "record_return_to": returnTo ?? "",
            "record_interactions": page.items.map { pages.row($0, names: names, records: records, locale: locale, principal: principal) },
            "record_interactions_more": page.nextCursor != nil ? "/interactions?tab=all&\(about)" : "",
            "record_can_log": principal.may(.create, .activity),
            "record_log_call": "/interactions/new?kind=call&\(about)",
            "record_plan_meeting": "/interactions/new?kind=meeting&status=planned&\(about)",
            "record_dial": dial ? phones.map { ["number": $0] } : [],
        ]
    }
}
