import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/pipelines` and `/admin/stages/{id}`: the pipelines of leads and deals, their stages
/// with gates (required fields, the condition — refused with the position of a mistake), hints,
/// entry tasks and the automatic advance, a preview of a stage's gate against a real record,
/// and the close reasons.
struct PipelineSettingsPages {
    let pages: PageRenderer
    let pipelines: PipelineService
    let support: ClientPageSupport
    let roles: RoleService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/pipelines") { request, context in
            try await list(request, context)
        }
        group.post("admin/pipelines") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let pipeline = try await pipelines.create(PipelineInput(entity: form["entity"], name: form["name"], mode: form["mode"]),
                                                      by: principal)
            return pages.redirect(to: "/admin/pipelines/\(pipeline.id)", flash: "flash_created")
        }
        group.get("admin/pipelines/{id}") { request, context in
            try await pipelinePage(request, context, id: try context.id(entity: "pipeline"), errors: [:])
        }
        group.post("admin/pipelines/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "pipeline")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await pipelines.update(id, PipelineInput(name: form["name"], mode: form["mode"]),
                                           expectedVersion: form.id("version"), by: principal)
            return pages.redirect(to: "/admin/pipelines/\(id)", flash: "flash_saved")
        }
        group.post("admin/pipelines/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "pipeline")
            _ = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            try await pipelines.delete(id, by: principal)
            return pages.redirect(to: "/admin/pipelines", flash: "flash_deleted")
        }
        group.post("admin/pipelines/{id}/stages") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "pipeline")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                let stage = try await pipelines.addStage(to: id, StageInput(name: form["name"], kind: form["kind"]), by: principal)
                return pages.redirect(to: "/admin/stages/\(stage.id)", flash: "flash_created")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await pipelinePage(request, context, id: id, errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.get("admin/stages/{id}") { request, context in
            let preview = try QueryReader(request: request).int64("preview")
            return try await stagePage(request, context, id: try context.id(entity: "stage"), form: nil, errors: [:], preview: preview)
        }
        group.post("admin/stages/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "stage")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            do {
                _ = try await pipelines.updateStage(id, Self.stageInput(form), expectedVersion: form.id("version"), by: principal)
                return pages.redirect(to: "/admin/stages/\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                let locale = pages.locale(request, context)
                switch error {
                case .validation(let list):
                    return try await stagePage(request, context, id: id, form: form, errors: Self.stageErrors(list), preview: nil)
                case .stale:
                    return try await stagePage(request, context, id: id, form: form,
                                               errors: ["version": pages.text("error_stale", locale)], preview: nil)
                default: throw error
                }
            }
        }
        group.post("admin/stages/{id}/delete") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "stage")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let pipeline = try await pipelines.pipeline(ofStage: id, by: principal)
            do {
                try await pipelines.deleteStage(id, moveTo: form.id("move_to"), by: principal)
                return pages.redirect(to: "/admin/pipelines/\(pipeline.id)", flash: "flash_deleted")
            } catch RapportError.conflict(let message) {
                return try await stagePage(request, context, id: id, form: nil, errors: ["delete": message], preview: nil)
            }
        }
        group.post("admin/close-reasons") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            guard let entity = form["entity"].flatMap(PipelineEntity.init(rawValue:)) else {
                throw RapportError.invalid("entity", "invalid", "entity must be lead or deal")
            }
            _ = try await pipelines.addReason(entity, label: form["label"], by: principal)
            return pages.redirect(to: "/admin/pipelines#pipelines-\(entity.rawValue)", flash: "flash_created")
        }
        group.post("admin/close-reasons/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try context.id(entity: "close_reason")
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            _ = try await pipelines.updateReason(id, label: nil, archived: form["archived"] == "true", by: principal)
            return pages.redirect(to: "/admin/pipelines", flash: "flash_saved")
        }
    }

    // MARK: pages

    func list(_ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.may(.update, .settings) else { throw RapportError.forbidden }
        let locale = pages.locale(request, context)
        var model = try await pages.model(request, context, titleKey: "title_pipelines", nav: "pipelines")
        var sections: [[String: Any]] = []
        for entity in PipelineEntity.allCases {
            let list = try await pipelines.list(entity, by: principal)
            sections.append([
                "entity": entity.rawValue,
                "heading": pages.text(entity == .lead ? "pipelines_leads" : "pipelines_deals", locale),
                "reasons_heading": pages.text(entity == .lead ? "reasons_junk" : "reasons_lost", locale),
                "pipelines": list.map { pipeline -> [String: Any] in
                    ["id": pipeline.id, "name": pipeline.name,
                     "mode": pages.text("pipeline_mode_\(pipeline.mode.rawValue)", locale),
                     "stages": pipeline.stages.map { ["name": $0.name, "color": $0.color] }]
                },
                "reasons": try await pipelines.reasons(entity, includeArchived: true, by: principal).map {
                    ["id": $0.id, "label": $0.label, "archived": $0.archived] as [String: Any]
                },
                "modes": modes(selected: .strict, locale),
            ])
        }
        model["sections"] = sections
        return pages.render("pipeline_settings", model, request: request)
    }

    func pipelinePage(_ request: Request, _ context: RapportRequestContext, id: Int64, errors: [String: String]) async throws
        -> Response
    {
        let principal = try context.requirePrincipal()
        guard principal.may(.update, .settings) else { throw RapportError.forbidden }
        let locale = pages.locale(request, context)
        let pipeline = try await pipelines.get(id, by: principal)
        var model = try await pages.model(request, context, titleKey: "title_pipelines", nav: "pipelines")
        model["title"] = pipeline.name
        model["pipeline"] = ["id": pipeline.id, "name": pipeline.name, "version": pipeline.version]
        model["entity_label"] = pages.text(pipeline.entity == .lead ? "pipelines_leads" : "pipelines_deals", locale)
        model["modes"] = modes(selected: pipeline.mode, locale)
        model["kinds"] = StageKind.allCases.map { PageModel.option($0.rawValue, pages.text("stage_kind_\($0.rawValue)", locale), selected: false) }
        let labels = try await fieldLabels(pipeline.entity, principal, locale)
        model["stages"] = pipeline.stages.map { stage -> [String: Any] in
            ["id": stage.id, "name": stage.name, "color": stage.color, "kind": pages.text("stage_kind_\(stage.kind.rawValue)", locale),
             "required": stage.requiredFields.map { labels[$0] ?? $0 }, "condition": stage.condition ?? "",
             "tasks": stage.entryTasks.count, "auto": stage.autoAdvance]
        }
        model["errors"] = errors
        return pages.render("pipeline_form", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func stagePage(_ request: Request, _ context: RapportRequestContext, id: Int64, form: PageForm?, errors: [String: String],
                   preview: Int64?) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.may(.update, .settings) else { throw RapportError.forbidden }
        let locale = pages.locale(request, context)
        let pipeline = try await pipelines.pipeline(ofStage: id, by: principal)
        guard let stage = pipeline.stage(id) else { throw RapportError.notFound(entity: "stage") }
        var model = try await pages.model(request, context, titleKey: "title_pipelines", nav: "pipelines")
        model["title"] = stage.name
        model["pipeline_id"] = pipeline.id
        model["pipeline_name"] = pipeline.name
        func value(_ name: String, _ current: String?) -> String { form?[name] ?? current ?? "" }
        let required = form.map { Set($0.all("required_fields")) } ?? Set(stage.requiredFields)
        model["stage"] = [
            "id": stage.id, "version": stage.version, "name": value("name", stage.name),
            "color_lower": value("color", stage.color).lowercased(), "condition": value("condition", stage.condition),
            "hint": value("hint", stage.hint), "hint_link": value("hint_link", stage.hintLink),
            "refusal_task_title": value("refusal_task_title", stage.refusalTaskTitle),
            "auto_advance": form.map { $0["auto_advance"] == "true" } ?? stage.autoAdvance,
        ]
        let kind = form?["kind"] ?? stage.kind.rawValue
        model["kinds"] = StageKind.allCases.map {
            PageModel.option($0.rawValue, pages.text("stage_kind_\($0.rawValue)", locale), selected: $0.rawValue == kind)
        }
        let labels = try await fieldLabels(pipeline.entity, principal, locale)
        let codes = PipelineFields.builtIn(pipeline.entity) + labels.keys.filter { $0.hasPrefix("cf.") }.sorted()
        model["fields"] = codes.map { ["code": $0, "label": labels[$0] ?? $0, "checked": required.contains($0)] as [String: Any] }
        model["tasks"] = try await taskRows(stage, form: form, errors: errors, principal: principal, locale: locale)
        model["task_count"] = (model["tasks"] as? [Any])?.count ?? 0
        model["others"] = pipeline.stages.filter { $0.id != id }.map { ["id": $0.id, "name": $0.name] as [String: Any] }
        model["errors"] = errors
        if let preview {
            do {
                let refusal = try await pipelines.preview(stageID: id, recordID: preview, by: principal)
                model["preview"] = ["id": preview, "done": true, "admitted": refusal.obstacles.isEmpty,
                                    "obstacles": refusal.descriptions(locale)] as [String: Any]
            } catch RapportError.notFound {
                model["preview"] = ["id": preview, "error": pages.text("stage_preview_not_found", locale)] as [String: Any]
            }
        }
        return pages.render("stage_form", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// The stage's entry tasks as form rows, and one empty row for a new task.
    func taskRows(_ stage: Stage, form: PageForm?, errors: [String: String], principal: Principal, locale: AppLocale) async throws
        -> [[String: Any]]
    {
        let people = try await support.owners(selected: nil, by: principal).options
        let roleList = try await roles.list(page: .init(limit: PageRequest.maxLimit), by: principal).items
        var rows: [[String: Any]] = []
        let count = form.flatMap { $0.id("task_count") }.map(Int.init) ?? stage.entryTasks.count + 1
        for index in 0..<count {
            let template = index < stage.entryTasks.count ? stage.entryTasks[index] : nil
            func value(_ name: String, _ current: String?) -> String { form?["task_\(index)_\(name)"] ?? current ?? "" }
            let assignee: String = form?["task_\(index)_assignee"] ?? {
                switch template?.assignee {
                case .user(let id)?: "user:\(id)"
                case .role(let id)?: "role:\(id)"
                default: "responsible"
                }
            }()
            var options = [PageModel.option("responsible", pages.text("stage_task_responsible", locale), selected: assignee == "responsible")]
            options += roleList.map {
                PageModel.option("role:\($0.id)", pages.text("stage_task_role", locale) + ": " + $0.name, selected: assignee == "role:\($0.id)")
            }
            options += people.map { option in
                let id = "user:\(option["value"] as? String ?? "")"
                return PageModel.option(id, option["label"] as? String ?? id, selected: assignee == id)
            }
            rows.append([
                "index": index, "number": index + 1, "is_new": template == nil,
                "title": value("title", template?.title), "description": value("description", template?.description),
                "script": value("script", template?.script),
                "checklist": value("checklist", template?.checklist.joined(separator: "\n")),
                "due_hours": value("due_hours", template?.dueHours.map { "\($0)" }),
                "due_days": value("due_days", template?.dueDays.map(String.init)),
                "memo": value("memo", template?.memoAttachmentID.map(String.init)),
                "assignees": options,
                "error_title": errors["entry_tasks[\(index)].title"] ?? "",
                "error": errors.filter { $0.key.hasPrefix("entry_tasks[\(index)].") && !$0.key.hasSuffix(".title") }
                    .map(\.value).sorted().joined(separator: " "),
            ])
        }
        return rows
    }

    func modes(selected: ControlMode, _ locale: AppLocale) -> [[String: Any]] {
        ControlMode.allCases.map {
            PageModel.option($0.rawValue, pages.text("pipeline_mode_\($0.rawValue)", locale), selected: $0 == selected)
        }
    }

    /// Every field a stage may require: built-in by their labels, custom by theirs (`cf.<code>`).
    func fieldLabels(_ entity: PipelineEntity, _ principal: Principal, _ locale: AppLocale) async throws -> [String: String] {
        var labels = Dictionary(uniqueKeysWithValues: PipelineFields.builtIn(entity).map { ($0, PipelineFieldLabels.label($0, locale)) })
        for definition in try await support.definitions(entity.customFields, by: principal) {
            labels["cf." + definition.code] = definition.label
        }
        return labels
    }

    // MARK: forms

    /// The stage form as the service's input; a task row without a title is no task.
    static func stageInput(_ form: PageForm) -> StageInput {
        var tasks: [StageTaskInput] = []
        for index in 0..<Int(form.id("task_count") ?? 0) {
            func text(_ name: String) -> String? { form.text("task_\(index)_\(name)") }
            guard let title = text("title") else { continue }
            let assignee = text("assignee") ?? "responsible"
            let parts = assignee.split(separator: ":")
            tasks.append(StageTaskInput(
                title: title, description: text("description"), script: text("script"),
                checklist: text("checklist").map { $0.split(whereSeparator: \.isNewline).map(String.init) },
                memoAttachmentID: text("memo").flatMap { Int64($0) },
                dueHours: text("due_hours").flatMap { Double($0.replacingOccurrences(of: ",", with: ".")) },
                dueDays: text("due_days").flatMap { Int($0) },
                assignee: parts.count == 2 ? String(parts[0]) : "responsible", assigneeID: parts.count == 2 ? Int64(parts[1]) : nil))
        }
        return StageInput(name: form["name"], color: form["color"]?.uppercased(), kind: form["kind"],
                          requiredFields: form.all("required_fields"), condition: form["condition"] ?? "",
                          hint: form["hint"] ?? "", hintLink: form["hint_link"] ?? "", autoAdvance: form["auto_advance"] == "true",
                          refusalTaskTitle: form["refusal_task_title"] ?? "", entryTasks: tasks)
    }

    /// The service's own messages: they say where a condition fails and which field is unknown.
    static func stageErrors(_ list: [FieldError]) -> [String: String] {
        var errors: [String: String] = [:]
        for error in list {
            let field = error.field.hasPrefix("required_fields") ? "required_fields" : error.field
            errors[field] = errors[field].map { $0 + " " + error.message } ?? error.message
        }
        return errors
    }
}
