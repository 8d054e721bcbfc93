import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/calendar`: the working hours of each weekday and the production calendar
/// (holidays, shortened days, weekend days worked) as a text an administrator edits, or
/// loads from a file in the same format.
struct WorkCalendarPages {
    let pages: PageRenderer
    let calendar: WorkCalendarService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/calendar") { request, context in
            try await page(request, context, values: [:], errors: [:])
        }
        group.post("admin/calendar/file") { request, context in
            try await loadFile(request, context)
        }
        group.post("admin/calendar") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await calendar.update(week: (0..<7).map { form["week_\($0)"] ?? "" }, days: form["days"] ?? "",
                                              expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/calendar", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                var errors: [String: String] = [:]
                for (field, message) in pages.errors(error, pages.locale(request, context)) {
                    errors[field.replacingOccurrences(of: ".", with: "_")] = message
                }
                return try await page(request, context, values: form.values, errors: errors)
            }
        }
    }

    /// A production calendar file replaces the days (the week stays); its mistakes are shown
    /// by line with its text in the box, nothing saved.
    func loadFile(_ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let form = try await MultipartForm.read(request, context: context, csrf: csrfToken(principal), limit: Self.maxFileBytes)
        guard let file = form.files["file"], !file.fileName.isEmpty, !file.bytes.isEmpty else {
            return pages.redirect(to: "/admin/calendar", flash: "flash_file_missing_refused")
        }
        guard file.bytes.count <= Self.maxFileBytes, var text = String(data: file.bytes, encoding: .utf8) else {
            return pages.redirect(to: "/admin/calendar", flash: "flash_calendar_file_unreadable_refused")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        do {
            _ = try await calendar.update(week: nil, days: text, expectedVersion: form.fields["version"].flatMap { Int64($0) },
                                          by: principal)
            return pages.redirect(to: "/admin/calendar", flash: "flash_calendar_file_loaded")
        } catch let error as RapportError {
            guard case .validation = error else { throw error }
            var errors: [String: String] = [:]
            for (field, message) in pages.errors(error, pages.locale(request, context)) {
                errors[field.replacingOccurrences(of: ".", with: "_")] = message
            }
            return try await page(request, context, values: ["days": text], errors: errors)
        }
    }

    /// A production calendar is a few hundred lines; anything far bigger is not one.
    static let maxFileBytes = 256 << 10

    func page(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String])
        async throws -> Response
    {
        let principal = try context.requirePrincipal()
        let current = try await calendar.settings(by: principal)
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: "title_calendar", nav: "calendar")
        model["weekdays"] = (0..<7).map { index -> [String: Any] in
            let hours = current.week.days[index]
            return ["index": index, "label": pages.text("weekday_\(index + 1)", locale),
                    "value": values["week_\(index)"] ?? (hours.isWorking ? hours.description : ""),
                    "error": errors["week_\(index)"] ?? ""]
        }
        model["days"] = values["days"] ?? current.daysText
        model["days_count"] = current.days.count
        model["version"] = current.version
        model["errors"] = errors
        model["can_edit"] = principal.may(.update, .settings)
        return pages.render("work_calendar", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
