import Hummingbird
import RapportDomain
import RapportServices

/// `POST /calls/dial`: the "Call" button on a card asks the PBX to ring the user's phone and
/// connect the number; back on the card, a notice says to pick up (or why it did not work).
struct DialPages {
    let pages: PageRenderer
    let telephony: TelephonyService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.post("calls/dial") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let entity = form["link_entity"]
            let id = form.id("link_id")
            let back = localPath(form["return_to"])
                ?? (entity.flatMap { e in id.map { RecordPaths.path(e, $0) } } ?? "/")
            do {
                _ = try await telephony.dial(DialInput(number: form["number"], linkEntity: entity, linkID: id), by: principal)
                return pages.redirect(to: back, flash: "flash_dialing")
            } catch RapportError.upstream {
                return pages.redirect(to: back, flash: "flash_dial_failed_refused")
            } catch RapportError.conflict {
                return pages.redirect(to: back, flash: "flash_dial_unavailable_refused")
            }
        }
    }
}
