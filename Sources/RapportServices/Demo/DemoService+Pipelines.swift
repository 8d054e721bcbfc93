import Foundation
import RapportDomain
import RapportStore

extension DemoService {
    /// The kitchen maker's lead and deal pipelines (section W), and leads and deals in every
    /// stage: each made as a person would make it, so every gate admits it.
    func fillPipelines(owners: [Int64]) async throws -> (leads: Int, deals: Int) {
        let installed = try await KitchenPipelines(env: env).install(.ru)
        let leads = LeadService(env: env), deals = DealService(env: env)
        var generator = DemoClients()
        let topics = ["угловая кухня", "прямая кухня", "кухня с островом", "шкаф-купе", "кухня в стиле лофт"]
        let types = ["конечный покупатель", "дилер", "дизайнер", "застройщик"]
        let sources = ["phone", "web_form", "email", "instagram", "whatsapp", "manual"]
        let leadStages = installed.lead.stages
        var leadCount = 0
        for index in 0..<48 {
            let stage = leadStages[index % leadStages.count]
            let person = generator.person()
            var input = LeadInput()
            input.firstName = person.first
            input.lastName = person.last
            input.phones = [generator.phone()]
            input.source = generator.pick(sources)
            input.ownerID = owners[index % owners.count]
            // Past "Catalogue and proposal sent" only with the proposal sent: made there first.
            input.stageID = stage.kind == .lost ? leadStages[0].id : (stage.position >= 3 ? leadStages[2].id : stage.id)
            if stage.position >= 1 {
                input.topic = generator.pick(topics)
                input.clientType = generator.pick(types)
                input.amount = MoneyText(String(180_000 + (index * 37_411) % 900_000))
            }
            if stage.position >= 3 { input.emails = ["client\(index)@mail.example"] }
            if stage.kind == .won || index % 5 == 0 { input.objectAddress = "Москва, ул. Лесная, \(index + 3), кв. \(index * 7 % 120 + 1)" }
            if index % 3 == 0 { input.utmSource = "yandex"; input.utmMedium = "cpc"; input.utmCampaign = "kitchens-autumn" }
            let lead = try await leads.create(input, by: nil)
            if stage.position >= 3 && stage.kind != .lost {
                let admin = try await demoPrincipal()
                try await proposalSent(lead.id, by: admin)
                if stage.position > 3 { _ = try await leads.move(lead.id, to: stage.id, expectedVersion: nil, by: admin) }
            }
            if stage.kind == .lost {
                let admin = try await demoPrincipal()
                _ = try await leads.move(lead.id, to: stage.id, reasonID: installed.junkReasons[index % installed.junkReasons.count].id,
                                         expectedVersion: nil, by: admin)
            }
            leadCount += 1
        }
        let companies = try await env.database.read { db in
            try await db.raw("SELECT id FROM companies ORDER BY id LIMIT 40").all().map { try $0.decode(column: "id", as: Int64.self) }
        }
        let dealStages = installed.deal.stages
        var dealCount = 0
        for index in 0..<36 {
            let stage = dealStages[index % dealStages.count]
            var input = DealInput()
            input.title = "Кухня «\(generator.pick(["Модерн", "Прованс", "Лофт", "Сканди", "Классика"]))» — \(index + 1)"
            input.companyID = companies.isEmpty ? nil : companies[index % companies.count]
            input.ownerID = owners[index % owners.count]
            input.stageID = stage.kind == .lost ? dealStages[0].id : stage.id
            input.closeDate = CalendarDate(daysSinceEpoch: Int(env.clock.now().timeIntervalSince1970 / 86_400) + 10 + index % 40).description
            input.probability = [20, 40, 60, 80, 100, 0][index % 6]
            if stage.position >= 1 {
                input.lineItems = [
                    LineItemInput(name: "Кухонный гарнитур", quantity: "1", unit: "компл.", price: String(240_000 + index * 5_300),
                                  discountPercent: index % 2 == 0 ? "5" : nil, taxPercent: "20"),
                    LineItemInput(name: "Столешница, искусственный камень", quantity: "3.2", unit: "пог. м", price: "18500",
                                  taxPercent: "20"),
                    LineItemInput(name: "Монтаж", quantity: "1", unit: "усл.", price: "25000", taxPercent: "20"),
                ]
            }
            let deal = try await deals.create(input, by: nil)
            if stage.kind == .lost {
                _ = try await deals.move(deal.id, to: stage.id, reasonID: installed.lostReasons[index % installed.lostReasons.count].id,
                                         expectedVersion: nil, by: try await demoPrincipal())
            }
            dealCount += 1
        }
        return (leadCount, dealCount)
    }

    /// Seed 002's step past "Catalogue and proposal sent": the proposal made from its template
    /// and e-mailed — recorded as taken by the mail server, the demo's history having none —
    /// then the stage's task closed, which moves the lead on by itself.
    func proposalSent(_ leadID: Int64, by admin: Principal) async throws {
        let link = WorkTask.Link(entity: "lead", id: leadID)
        let template = try await TemplateService(env: env).list(by: admin)
            .first { $0.kind == .document && $0.code == "proposal" && $0.locale == .ru }
        let (_, file) = try await DocumentService(env: env).make(templateID: template?.id, for: link, by: admin)
        let message = try await MessageService(env: env).send(
            .init(channel: "email", linkEntity: "lead", linkID: leadID, subject: "Коммерческое предложение",
                  text: "Здравствуйте! Во вложении наше коммерческое предложение и каталог.", attachmentIDs: [file.id]),
            by: admin)
        let now = env.clock.now()
        try await env.database.transaction { db in
            try await OutboxStore().finish(message.id, state: .sent, error: nil, retryAt: nil, providerID: nil,
                                           messageID: "<demo-\(message.id)@kitchen.example>", now: now, on: db)
        }
        let tasks = TaskService(env: env)
        for task in try await tasks.list(.init(view: .all, openOnly: true, link: link), page: .init(), by: admin).items {
            _ = try await tasks.update(task.id, TaskInput(status: "done"), expectedVersion: nil, by: admin)
        }
    }

    /// The demo's administrator, for the moves people make.
    func demoPrincipal() async throws -> Principal {
        guard let user = try await env.database.read({ db in try await UserStore().credentials(email: Self.adminEmail, on: db) })
        else { throw RapportError.notFound(entity: "user") }
        return try await AuthService(env: env).consolePrincipal(userID: user.user.id)
    }
}
