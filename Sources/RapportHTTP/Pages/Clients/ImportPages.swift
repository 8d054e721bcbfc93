import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/clients/import`: upload a CSV file, map its columns with a preview of the first rows,
/// choose what to do with duplicates, start, and follow the progress to the report.
struct ImportPages {
    let pages: PageRenderer
    let imports: ImportService
    let fields: CustomFieldService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("clients/import") { request, context in
            let principal = try context.requirePrincipal()
            let locale = pages.locale(request, context)
            let entity = try QueryReader(request: request).oneOf("entity", CustomFieldEntity.self) ?? .company
            var model = try await pages.model(request, context, titleKey: "title_import", nav: Self.nav(entity.rawValue))
            model["entities"] = ImportTargets.entities.compactMap(CustomFieldEntity.init(rawValue:)).map {
                PageModel.option($0.rawValue, pages.text("custom_entity_\($0.rawValue)", locale), selected: $0 == entity)
            }
            model["imports"] = try await imports.list(by: principal).map { item -> [String: Any] in
                [
                    "href": "/clients/import/\(item.id)", "file_name": item.fileName,
                    "entity_label": pages.text("custom_entity_\(item.entity)", locale),
                    "state_label": pages.text("import_state_\(item.state.rawValue)", locale), "state": item.state.rawValue,
                    "when": Formatting.dateTime(item.createdAt, locale: locale, timeZone: principal.user.timeZone) ?? "",
                    "summary": summary(item, locale),
                ]
            }
            model["limit"] = pages.text("import_file_limit", locale).replacingOccurrences(of: "%@", with: String(imports.maxBytes >> 20))
            return pages.render("imports", model, request: request)
        }
        group.post("clients/import") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await MultipartForm.read(request, context: context, csrf: csrfToken(principal), limit: imports.maxBytes)
            let entity = form.fields["entity"] ?? "company"
            guard let file = form.files["file"], !file.fileName.isEmpty else {
                return pages.redirect(to: "/clients/import?entity=\(entity)", flash: "flash_file_missing_refused")
            }
            do {
                let item = try await imports.upload(entity: entity, fileName: file.fileName, bytes: file.bytes, by: principal)
                return pages.redirect(to: "/clients/import/\(item.id)", flash: "flash_import_uploaded")
            } catch RapportError.validation(let errors) {
                let code = errors.first?.code ?? "invalid"
                let flash = ["empty", "too_large", "no_header", "no_rows", "not_xlsx", "xls_not_supported", "vcard_holds_people"].contains(code) ? "flash_import_\(code)_refused"
                    : "flash_import_unreadable_refused"
                return pages.redirect(to: "/clients/import?entity=\(entity)", flash: flash)
            }
        }
        group.get("clients/import/{id}") { request, context in
            try await page(request, context, id: try context.id(entity: "import"), errors: [:])
        }
        group.post("clients/import/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "import")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let item = try await imports.get(id, by: principal)
            var mapping: [Int: String] = [:]
            for column in item.columns.indices {
                if let target = form.text("col_\(column)") { mapping[column] = target }
            }
            do {
                _ = try await imports.configure(id, mapping: mapping, policy: form["duplicate_policy"], by: principal)
                if form["action"] == "start" {
                    _ = try await imports.start(id, by: principal)
                    return pages.redirect(to: "/clients/import/\(id)", flash: "flash_import_started")
                }
                return pages.redirect(to: "/clients/import/\(id)#preview", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, id: id, errors: pages.errors(error, pages.locale(request, context)))
            }
        }
    }

    func summary(_ item: ClientImport, _ locale: AppLocale) -> String {
        pages.text("import_summary", locale)
            .replacingOccurrences(of: "%created", with: String(item.created))
            .replacingOccurrences(of: "%updated", with: String(item.updated))
            .replacingOccurrences(of: "%skipped", with: String(item.skipped))
            .replacingOccurrences(of: "%rejected", with: String(item.rejected))
    }

    func page(_ request: Request, _ context: RapportRequestContext, id: Int64, errors: [String: String]) async throws
        -> Response
    {
        let principal = try context.requirePrincipal()
        let locale = pages.locale(request, context)
        let item = try await imports.get(id, by: principal)
        var model = try await pages.model(request, context, titleKey: "title_import", nav: Self.nav(item.entity))
        let targets = ImportTargets.builtIn(item.entity).map { code -> (String, String) in
            if item.entity == "contact" && code == "full_name" { return (code, pages.text("field_full_name_person", locale)) }
            return (code, pages.fieldLabel(code == "responsible" ? "owner_id" : code, locale))
        }
            + (try await fields.list(entity: CustomFieldEntity(rawValue: item.entity) ?? .contact, by: principal))
                .map { ("cf.\($0.code)", $0.label) }
        let isDraft = item.state == .draft
        model["import"] = [
            "id": item.id, "file_name": item.fileName, "total": item.totalRows, "processed": item.processed,
            "entity_label": pages.text("custom_entity_\(item.entity)", locale),
            "state_label": pages.text("import_state_\(item.state.rawValue)", locale), "state": item.state.rawValue,
            "percent": item.totalRows == 0 ? 100 : item.processed * 100 / item.totalRows,
            "summary": summary(item, locale), "error": item.error ?? "",
            "report_href": "/api/v1/imports/\(item.id)/report.csv",
        ] as [String: Any]
        model["is_draft"] = isDraft
        model["is_working"] = item.state == .queued || item.state == .running
        model["is_finished"] = item.state == .done || item.state == .failed
        model["has_report"] = item.skipped + item.rejected > 0
        model["list_href"] = ["company": "/clients/companies", "lead": "/leads", "deal": "/deals"][item.entity] ?? "/clients/contacts"
        model["errors"] = errors
        if isDraft {
            let rows = try await imports.preview(id, by: principal)
            model["columns"] = item.columns.enumerated().map { column, header -> [String: Any] in
                let chosen = item.mapping[column] ?? ""
                return [
                    "name": "col_\(column)", "header": header.isEmpty ? "#\(column + 1)" : header,
                    "sample": rows.first.flatMap { column < $0.cells.count ? $0.cells[column] : nil } ?? "",
                    "options": [PageModel.option("", pages.text("import_skip_column", locale), selected: chosen.isEmpty)]
                        + targets.map { PageModel.option($0.0, $0.1, selected: $0.0 == chosen) },
                    "error": errors["mapping.\(column)"] ?? "",
                ]
            }
            model["policies"] = ClientImport.DuplicatePolicy.allCases.map {
                ["code": $0.rawValue, "label": pages.text("import_policy_\($0.rawValue)", locale),
                 "checked": $0 == item.duplicatePolicy]
            }
            model["preview"] = rows.map { row -> [String: Any] in
                ["row": row.row + 1, "cells": row.cells.map { ["value": $0] }, "outcome": row.outcome.rawValue,
                 "outcome_label": pages.text("import_outcome_\(row.outcome.rawValue)", locale), "reason": row.reason]
            }
            model["preview_headers"] = item.columns.map { ["header": $0] }
        }
        if item.state == .queued || item.state == .running { model["refresh"] = 2 }
        return pages.render("import", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The menu entry an import of `entity` belongs to.
    static func nav(_ entity: String) -> String {
        ["company": "companies", "lead": "leads", "deal": "deals"][entity] ?? "contacts"
    }
}
