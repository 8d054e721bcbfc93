import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RapportDomain
import RapportServices
import RapportStore
import ServiceLifecycle

/// `/leads` and `/deals`: the board of a pipeline — a column per stage with its count and sum,
/// cards that move by drag and drop or by the keyboard (each card's "Move to" choice) — and
/// the quick-fill dialog: a refused move opens exactly the fields the stage asks for, and
/// sending them completes the move.
struct BoardPages {
    let pages: PageRenderer
    let boards: BoardService
    let pipelines: PipelineService
    let leads: LeadService
    let deals: DealService
    let settings: SettingsService
    let support: ClientPageSupport

    func register(on group: RouterGroup<RapportRequestContext>) {
        for entity in PipelineEntity.allCases {
            group.get("\(entity.table)") { request, context in
                if try QueryReader(request: request).string("view", maxLength: 10) == "list" {
                    return try await list(entity, request, context)
                }
                return try await board(entity, request, context, refusal: nil)
            }
            group.get("\(entity.table)/stream") { _, context in
                stream(entity, for: try context.requirePrincipal(), seconds: 300)
            }
            group.post("\(entity.table)/{id}/move") { request, context in
                let principal = try context.requirePrincipal()
                let id = try context.id(entity: entity.rawValue)
                let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
                guard let stageID = form.id("stage_id") else { throw RapportError.invalid("stage_id", "required", "choose a stage") }
                // From a card's stage path the answer goes back to the card; from the board, to the board.
                let back = form.text("return") == "card" ? "/\(entity.table)/\(id)"
                    : "/\(entity.table)" + (form.id("pipeline_id").map { "?pipeline=\($0)" } ?? "")
                do {
                    switch entity {
                    case .lead:
                        _ = try await leads.move(id, to: stageID, reasonID: form.id("reason_id"), changes: Self.leadChanges(form),
                                                 expectedVersion: form.id("version"), by: principal)
                    case .deal:
                        _ = try await deals.move(id, to: stageID, reasonID: form.id("reason_id"), changes: Self.dealChanges(form),
                                                 expectedVersion: form.id("version"), by: principal)
                    }
                    return pages.redirect(to: back, flash: "flash_moved")
                } catch RapportError.moveRefused(let refusal) {
                    return try await board(entity, request, context, refusal: .init(recordID: id, refusal: refusal, form: form))
                } catch RapportError.stale {
                    return pages.redirect(to: back, flash: "flash_moved_elsewhere_refused")
                } catch RapportError.validation(let errors) {
                    // A quick-fill value that does not pass: the dialog again, with the field's message.
                    let refusal = MoveRefusal(stageID: stageID, obstacles: errors.map { .missingField(Self.gateField($0.field)) })
                    return try await board(entity, request, context,
                                           refusal: .init(recordID: id, refusal: refusal, form: form, errors: errors))
                }
            }
        }
    }

    /// A refused move shown as the quick-fill dialog.
    struct Refused {
        var recordID: Int64
        var refusal: MoveRefusal
        var form: PageForm
        var errors: [FieldError] = []
    }

    func board(_ entity: PipelineEntity, _ request: Request, _ context: RapportRequestContext, refusal: Refused?) async throws
        -> Response
    {
        let principal = try context.requirePrincipal()
        let query = QueryReader(request: request)
        let locale = pages.locale(request, context)
        let all = try await pipelines.list(entity, by: principal)
        let requested = try query.int64("pipeline")
        let chosen = refusal?.form.id("pipeline_id") ?? requested
        var filter = PipelineRecordQuery(pipelineID: chosen ?? all.first?.id)
        let mine = try query.bool("mine") ?? false
        let owner = try query.int64("owner")
        filter.ownerID = mine ? principal.userID : owner
        filter.source = entity == .lead ? try query.string("source", maxLength: 100) : nil
        var model = try await pages.model(request, context, titleKey: entity == .lead ? "title_leads" : "title_deals",
                                          nav: entity.table)
        model["entity"] = entity.rawValue
        model["heading"] = pages.text(entity == .lead ? "title_leads" : "title_deals", locale)
        model["mine"] = mine
        model["owners"] = try await support.owners(selected: owner, by: principal).options
        model["source"] = filter.source ?? ""
        model["has_source"] = entity == .lead
        model["views"] = views(entity, current: "board", pipelineID: filter.pipelineID, locale)
        if principal.may(.create, entity.permission) {
            model["new_href"] = entity == .lead ? "/leads/new" : "/deals/new" + (filter.pipelineID.map { "?pipeline_id=\($0)" } ?? "")
            model["new_label"] = pages.text(entity == .lead ? "lead_new" : "deal_new", locale)
            model["import_href"] = "/clients/import?entity=\(entity.rawValue)"
        }
        guard !all.isEmpty else {
            model["no_pipeline"] = true
            return pages.render("board", model, request: request)
        }
        let board = try await boards.board(entity, filter, by: principal)
        let currency = try await settings.current().currency
        let reasons = try await pipelines.reasons(entity, by: principal)
        model["pipeline_id"] = board.pipeline.id
        model["pipelines"] = all.map { PageModel.option(String($0.id), $0.name, selected: $0.id == board.pipeline.id) }
        model["many_pipelines"] = all.count > 1
        model["mode"] = pages.text("pipeline_mode_\(board.pipeline.mode.rawValue)", locale)
        let stageOptions = board.pipeline.stages.map { ["id": $0.id, "name": $0.name] as [String: Any] }
        model["columns"] = board.columns.map { column -> [String: Any] in
            [
                "stage_id": column.stage.id, "name": column.stage.name, "color": column.stage.color,
                "kind": column.stage.kind.rawValue, "closed": column.stage.kind != .open,
                "count": column.count, "sum": Formatting.money(column.sum, currency: currency, locale: locale),
                "hint": column.stage.hint ?? "", "more": column.count > column.cards.count,
                "more_count": column.count - column.cards.count,
                "cards": column.cards.map { card -> [String: Any] in
                    [
                        "id": card.id, "title": card.title, "version": card.version,
                        // A lead named after its client does not say the name twice.
                        "client": card.client == card.title ? "" : card.client ?? "",
                        "amount": card.amount.map { Formatting.money($0, currency: card.currency, locale: locale) } ?? "",
                        "overdue": card.overdue, "href": "/\(entity.table)/\(card.id)",
                        "stages": stageOptions.map { option in
                            option.merging(["selected": (option["id"] as? Int64) == column.stage.id]) { a, _ in a }
                        },
                    ]
                },
            ]
        }
        model["reasons"] = reasons.map { ["id": $0.id, "label": $0.label] as [String: Any] }
        if let refusal { model["dialog"] = dialog(refusal, board.pipeline, entity, locale: locale) }
        return pages.render("board", model, request: request, status: refusal == nil ? .ok : .unprocessableContent)
    }

    /// The list view: the records as a table, newest first, with stage, search and "mine" filters.
    func list(_ entity: PipelineEntity, _ request: Request, _ context: RapportRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = QueryReader(request: request)
        let locale = pages.locale(request, context)
        let all = try await pipelines.list(entity, by: principal)
        let requested = try query.int64("pipeline")
        let pipeline = all.first { $0.id == requested } ?? all.first
        let mine = try query.bool("mine") ?? false
        let text = try query.string("q", maxLength: 200)
        let stageID = try query.int64("stage")
        let filter = PipelineRecordQuery(pipelineID: pipeline?.id, stageID: stageID, ownerID: mine ? principal.userID : nil,
                                         text: text)
        var model = try await pages.model(request, context, titleKey: entity == .lead ? "title_leads" : "title_deals",
                                          nav: entity.table)
        model["entity"] = entity.rawValue
        model["heading"] = pages.text(entity == .lead ? "title_leads" : "title_deals", locale)
        model["views"] = views(entity, current: "list", pipelineID: pipeline?.id, locale)
        model["pipeline_id"] = pipeline?.id ?? 0
        model["mine"] = mine
        model["q"] = text ?? ""
        model["stages"] = (pipeline?.stages ?? []).map { PageModel.option(String($0.id), $0.name, selected: $0.id == stageID) }
        if entity == .lead && principal.may(.create, .lead) { model["new_href"] = "/leads/new" }
        let page = try query.page()
        let names = try await support.owners(selected: nil, by: principal).names
        let reasons = Dictionary(uniqueKeysWithValues: try await pipelines.reasons(entity, includeArchived: true, by: principal)
            .map { ($0.id, $0.label) })
        let stages = Dictionary(all.flatMap(\.stages).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func row(id: Int64, title: String, client: String?, place: StagePlace, amount: Int64?, currency: String, owner: Int64,
                 created: Date) -> [String: Any] {
            ["href": "/\(entity.table)/\(id)", "title": title, "client": client ?? "", "stage": stages[place.stageID]?.name ?? "",
             "stage_color": stages[place.stageID]?.color ?? "", "reason": place.closeReasonID.flatMap { reasons[$0] } ?? "",
             "amount": amount.map { Formatting.money($0, currency: currency, locale: locale) } ?? "",
             "owner": names[owner] ?? "#\(owner)",
             "created": Formatting.dateTime(created, locale: locale, timeZone: principal.user.timeZone) ?? ""]
        }
        let rows: [[String: Any]]
        let next: PageCursor?
        switch entity {
        case .lead:
            let found = try await leads.list(filter, page: page, by: principal)
            rows = found.items.map {
                row(id: $0.id, title: $0.title, client: $0.clientName ?? $0.companyName, place: $0.place, amount: $0.amount,
                    currency: $0.currency, owner: $0.ownerID, created: $0.createdAt)
            }
            next = found.nextCursor
        case .deal:
            let found = try await deals.list(filter, page: page, by: principal)
            rows = found.items.map {
                row(id: $0.id, title: $0.title, client: nil, place: $0.place, amount: $0.amount, currency: $0.currency,
                    owner: $0.ownerID, created: $0.createdAt)
            }
            next = found.nextCursor
        }
        model["rows"] = rows
        model["empty"] = rows.isEmpty
        if let next { model["next_url"] = PageModel.nextPage(request, cursor: next) }
        return pages.render("pipeline_list", model, request: request)
    }

    /// The board / list switch.
    func views(_ entity: PipelineEntity, current: String, pipelineID: Int64?, _ locale: AppLocale) -> [[String: Any]] {
        let pipeline = pipelineID.map { "pipeline=\($0)" } ?? ""
        return [("board", "/\(entity.table)?\(pipeline)"), ("list", "/\(entity.table)?view=list&\(pipeline)")].map { view, href in
            ["href": href, "label": pages.text("board_view_\(view)", locale), "current": view == current]
        }
    }

    /// The quick-fill dialog's model: one input per missing field, the failing conditions as
    /// text, a reason choice when the stage wants one.
    func dialog(_ refused: Refused, _ pipeline: Pipeline, _ entity: PipelineEntity, locale: AppLocale) -> [String: Any] {
        let stage = pipeline.stage(refused.refusal.stageID)
        var fields: [[String: Any]] = []
        var conditions: [String] = []
        var needsReason = false
        var other: [String] = []
        let errors = Dictionary(refused.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a })
        for obstacle in refused.refusal.obstacles {
            switch obstacle {
            case .missingField(let field), .unmet(.has(let field)):
                for input in Self.inputs(for: field) where !fields.contains(where: { $0["name"] as? String == input }) {
                    fields.append(["name": input, "label": PipelineFieldLabels.label(input == "first_name" && field == "client_name"
                                                                                       ? "first_name" : Self.gateField(input), locale,
                                                                                     custom: refused.refusal.customLabels),
                                   "value": refused.form.text(input) ?? "", "error": errors[input] ?? "",
                                   "type": input == "emails" ? "email" : (input == "phones" ? "tel" : "text")])
                }
            case .unmet: conditions.append(refused.refusal.description(of: obstacle, locale))
            case .reasonRequired: needsReason = true
            case .skipsStages, .notInPipeline, .conditionUnreadable: other.append(refused.refusal.description(of: obstacle, locale))
            }
        }
        return ["record_id": refused.recordID, "stage_id": refused.refusal.stageID, "stage_name": stage?.name ?? "",
                "version": refused.form.text("version") ?? "", "fields": fields, "conditions": conditions, "has_conditions": !conditions.isEmpty,
                "needs_reason": needsReason, "other": other, "entity_path": entity.table, "return": refused.form.text("return") ?? "", "can_fill": !fields.isEmpty || needsReason]
    }

    /// The form inputs that fill a gate's field (a client name is a first and a last name).
    static func inputs(for field: String) -> [String] {
        switch field {
        case "client_name": ["last_name", "first_name"]
        case "email": ["emails"]
        case "phone": ["phones"]
        default: [field]
        }
    }

    /// The gate's name of an input (`emails` → `email`).
    static func gateField(_ input: String) -> String {
        switch input {
        case "emails": "email"
        case "phones": "phone"
        default: input
        }
    }

    static func leadChanges(_ form: PageForm) -> LeadInput? {
        var input = LeadInput()
        input.firstName = form.text("first_name")
        input.middleName = form.text("middle_name")
        input.lastName = form.text("last_name")
        input.phones = form.text("phones").map { [$0] }
        input.emails = form.text("emails").map { [$0] }
        input.companyName = form.text("company_name")
        input.source = form.text("source")
        input.topic = form.text("topic")
        input.clientType = form.text("client_type")
        input.objectAddress = form.text("object_address")
        input.amount = form.text("amount").map(MoneyText.init)
        input.title = form.text("title")
        return input.isEmpty ? nil : input
    }

    static func dealChanges(_ form: PageForm) -> DealInput? {
        var input = DealInput()
        input.title = form.text("title")
        input.amount = form.text("amount").map(MoneyText.init)
        input.closeDate = form.text("close_date")
        input.probability = form.text("probability").flatMap { Int($0) }
        return input.isEmpty ? nil : input
    }

    /// Server-sent events for an open board: `changed` when any record of the entity changed
    /// since the stream began (someone moved or edited a card); the page then shows the board
    /// as it is now. It looks every two seconds, one index step each time, so it sees what any
    /// node of the cluster wrote; after `seconds` it ends and the browser reconnects by itself.
    func stream(_ entity: PipelineEntity, for principal: Principal, seconds: Int) -> Response {
        let boards = self.boards
        var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var seen = try await boards.latestChange(entity, by: principal)
            let end = ContinuousClock.now + .seconds(seconds)
            var beat = 0
            try await writer.write(ByteBuffer(string: "event: ready\ndata: \(seen)\n\n"))
            while ContinuousClock.now < end && !Task.isCancelled && !Task.isShuttingDownGracefully {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(2)) }
                } catch {
                    break  // shutting down, or the answer was abandoned
                }
                let latest = try await boards.latestChange(entity, by: principal)
                if latest > seen {
                    try await writer.write(ByteBuffer(string: "event: changed\ndata: \(latest)\n\n"))
                    seen = latest
                } else if beat % 10 == 0 {
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))  // keeps proxies from closing it
                }
                beat += 1
            }
            try await writer.finish(nil)
        })
    }
}
