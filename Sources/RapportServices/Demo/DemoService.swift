import Foundation
import RapportDomain
import RapportStore

/// Fills an empty database with a kitchen-furniture maker: its departments, and people in
/// every role, clients, their tasks and interactions, and leads and deals in every stage of
/// the lead and deal pipelines (PRODUCT.md section W).
public struct DemoService: Sendable {
    public static let password = "demo-password-1"
    public static let adminEmail = "admin@kitchen.example"

    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public struct Summary: Sendable {
        public var companyName: String
        public var departments: Int
        public var users: Int
        public var companies: Int
        public var contacts: Int
        public var tasks: Int
        public var interactions: Int
        public var leads: Int
        public var deals: Int
        public var adminEmail: String
    }

    private struct Person {
        var first: String, last: String, middle: String, email: String, position: String
        var role: BuiltInRole, department: String?, phone: String, skills: [String] = [], regions: [String] = []
        var status: WorkingStatus = .available
    }

    /// Creates the company; refuses when the database already has users.
    public func fill() async throws -> Summary {
        let setup = SetupService(env: env)
        guard try await setup.needsFirstAdministrator() else {
            throw RapportError.conflict("the database already has users; run the demo on an empty database")
        }
        try await setup.ensureBuiltInRoles()
        _ = try await SettingsService(env: env).update(
            .init(name: "Кухни Мастер", timeZone: "Europe/Moscow", currency: "RUB", locale: "ru"),
            expectedVersion: nil, by: nil)

        let now = env.clock.now()
        try await env.database.transaction { db in try await setup.localizeBuiltInRoles(.ru, now: now, on: db) }
        let departments = DepartmentService(env: env)
        var ids: [String: Int64] = [:]
        let tree: [(String, String?)] = [
            ("Руководство", nil), ("Отдел продаж", nil), ("Салон на Ленина", "Отдел продаж"),
            ("Салон в ТЦ «Мега»", "Отдел продаж"), ("Интернет-продажи", "Отдел продаж"), ("Служба замеров", nil),
            ("Производство", nil), ("Монтажная служба", nil), ("Маркетинг", nil), ("Сервис и рекламации", nil),
        ]
        for (name, parent) in tree {
            ids[name] = try await departments.create(.init(name: name, parentID: parent.flatMap { ids[$0] }), by: nil).id
        }

        let roles = try await env.database.read { db in
            try await BuiltInRole.allCases.asyncMap { ($0, try await RoleStore().find(key: $0.rawValue, on: db)!.id) }
        }
        let roleIDs = Dictionary(uniqueKeysWithValues: roles)
        let people: [Person] = [
            Person(first: "Игорь", last: "Кузнецов", middle: "Петрович", email: "director@kitchen.example",
                   position: "Генеральный директор", role: .administrator, department: "Руководство", phone: "+7 495 100-00-02"),
            Person(first: "Ольга", last: "Смирнова", middle: "Викторовна", email: Self.adminEmail,
                   position: "Администратор системы", role: .administrator, department: "Руководство", phone: "+7 495 100-00-01"),
            Person(first: "Марина", last: "Волкова", middle: "Сергеевна", email: "head.sales@kitchen.example",
                   position: "Руководитель отдела продаж", role: .headOfSales, department: "Отдел продаж",
                   phone: "+7 916 200-10-01"),
            Person(first: "Анна", last: "Морозова", middle: "Игоревна", email: "anna.morozova@kitchen.example",
                   position: "Менеджер салона", role: .salesManager, department: "Салон на Ленина", phone: "+7 916 200-10-02",
                   regions: ["Москва"]),
            Person(first: "Дмитрий", last: "Лебедев", middle: "Андреевич", email: "dmitry.lebedev@kitchen.example",
                   position: "Менеджер салона", role: .salesManager, department: "Салон на Ленина", phone: "+7 916 200-10-03",
                   regions: ["Москва"], status: .busy),
            Person(first: "Екатерина", last: "Соколова", middle: "Павловна", email: "ekaterina.sokolova@kitchen.example",
                   position: "Менеджер салона", role: .salesManager, department: "Салон в ТЦ «Мега»",
                   phone: "+7 916 200-10-04", regions: ["Московская область"]),
            Person(first: "Павел", last: "Новиков", middle: "Олегович", email: "pavel.novikov@kitchen.example",
                   position: "Менеджер интернет-продаж", role: .salesManager, department: "Интернет-продажи",
                   phone: "+7 916 200-10-05", status: .away),
            Person(first: "Сергей", last: "Павлов", middle: "Николаевич", email: "measurer.pavlov@kitchen.example",
                   position: "Замерщик", role: .fieldTechnician, department: "Служба замеров", phone: "+7 903 300-20-01",
                   skills: ["замер", "дизайн-проект"], regions: ["Москва", "Московская область"]),
            Person(first: "Алексей", last: "Фёдоров", middle: "Ильич", email: "measurer.fedorov@kitchen.example",
                   position: "Замерщик", role: .fieldTechnician, department: "Служба замеров", phone: "+7 903 300-20-02",
                   skills: ["замер"], regions: ["Москва"]),
            Person(first: "Николай", last: "Орлов", middle: "Васильевич", email: "installer.orlov@kitchen.example",
                   position: "Бригадир монтажников", role: .fieldTechnician, department: "Монтажная служба",
                   phone: "+7 903 300-20-03", skills: ["монтаж", "подключение техники"], regions: ["Москва"]),
            Person(first: "Виктор", last: "Зайцев", middle: "Юрьевич", email: "production@kitchen.example",
                   position: "Начальник производства", role: .support, department: "Производство", phone: "+7 495 100-00-07"),
            Person(first: "Юлия", last: "Белова", middle: "Александровна", email: "marketing@kitchen.example",
                   position: "Маркетолог", role: .marketer, department: "Маркетинг", phone: "+7 916 200-10-08"),
            Person(first: "Татьяна", last: "Козлова", middle: "Михайловна", email: "service@kitchen.example",
                   position: "Специалист по рекламациям", role: .support, department: "Сервис и рекламации",
                   phone: "+7 916 200-10-09", status: .off),
        ]
        let users = UserService(env: env)
        var heads: [String: Int64] = [:]
        for person in people {
            let user = try await users.create(
                UserInput(email: person.email, password: Self.password, firstName: person.first, lastName: person.last,
                          middleName: person.middle, phone: person.phone, position: person.position,
                          departmentID: person.department.flatMap { ids[$0] }, roleID: roleIDs[person.role],
                          timeZone: "Europe/Moscow", locale: "ru", workingStatus: person.status.rawValue,
                          workingHours: "пн–пт 09:00–18:00", skills: person.skills, regions: person.regions),
                by: nil)
            if let department = person.department, heads[department] == nil { heads[department] = user.id }
        }
        for (department, head) in heads {
            guard let id = ids[department] else { continue }
            try await env.database.transaction { db in
                guard var record = try await DepartmentStore().find(id: id, on: db) else { return }
                let version = record.version
                record.headUserID = head
                record.updatedAt = self.env.clock.now()
                _ = try await DepartmentStore().update(record, expectedVersion: version, on: db)
                try await EventRecorder(clock: self.env.clock, authCache: self.env.authCache).record(
                    "department", id, .updated, changes: [FieldChange(field: "head_user_id", old: nil, new: String(head))],
                    by: nil, on: db)
            }
        }
        let (companies, contacts) = try await fillClients(owners: heads.values.sorted())
        let tasks = try await fillTasks(owners: heads.values.sorted())
        let interactions = try await fillInteractions()
        // The templates and the company's details first: the leads past the proposal have theirs.
        try await fillTemplates()
        try await fillCompanyDetails()
        let (leads, deals) = try await fillPipelines(owners: heads.values.sorted())
        try await fillDistribution()
        return Summary(companyName: "Кухни Мастер", departments: tree.count, users: people.count, companies: companies,
                       contacts: contacts, tasks: tasks, interactions: interactions, leads: leads, deals: deals,
                       adminEmail: Self.adminEmail)
    }

    /// Two hundred companies (dealers, designers' studios, builders, suppliers) and three
    /// hundred people: most at a company, some private kitchen buyers.
    func fillClients(owners: [Int64]) async throws -> (companies: Int, contacts: Int) {
        var generator = DemoClients()
        let companies = CompanyService(env: env)
        let contacts = ContactService(env: env)
        try await ensureCustomFields()
        let styles = ["Современный", "Классика", "Лофт", "Скандинавский"]
        let ways = ["Звонок", "WhatsApp", "Telegram", "E-mail"]
        let kinds: [CompanyKind] = [.client, .client, .client, .dealer, .supplier, .partner, .competitor, .carrier]
        var companyIDs: [Int64] = []
        var names = Set<String>()
        for index in 0..<200 {
            var name = generator.companyName()
            while names.contains(name) { name = generator.companyName() + " \(index)" }
            names.insert(name)
            let company = try await companies.create(CompanyInput(
                kind: generator.pick(kinds).rawValue, status: index % 3 == 0 ? "active" : "prospect",
                shortName: name, fullName: "ООО «\(name)»", inn: generator.inn(),
                addresses: [Address(kind: "legal", text: "\(generator.pick(DemoClients.regions)), ул. Садовая, \(index + 1)")],
                channels: [ContactChannel(kind: .phone, type: "work", value: generator.phone()),
                           ContactChannel(kind: .email, value: "info\(index)@client\(index).example")],
                region: generator.pick(DemoClients.regions), timeZone: "Europe/Moscow",
                clientClass: index % 17 == 0 ? "VIP" : nil, advertisingSource: generator.pick(DemoClients.sources),
                ownerID: generator.pick(owners),
                custom: index % 4 == 3 ? [:] : ["budget": .number(Double(150_000 + (index * 7_919) % 1_500_000)),
                                               "kitchen_style": .text(generator.pick(styles))]),
                allowDuplicates: true, by: nil)
            companyIDs.append(company.id)
        }
        for index in 0..<300 {
            let person = generator.person()
            let atCompany = index % 4 != 0
            _ = try await contacts.create(ContactInput(
                firstName: person.first, middleName: person.middle, lastName: person.last,
                position: atCompany ? generator.pick(DemoClients.roles) : nil,
                channels: [ContactChannel(kind: .phone, type: "mobile", value: generator.phone()),
                           ContactChannel(kind: .email, value: "person\(index)@mail.example")],
                timeZone: index % 10 == 0 ? "Asia/Yekaterinburg" : "Europe/Moscow",
                region: generator.pick(DemoClients.regions), ownerID: generator.pick(owners),
                companies: atCompany ? [.init(companyID: generator.pick(companyIDs), role: generator.pick(DemoClients.roles))] : [],
                custom: ["preferred_contact": .list([.text(generator.pick(ways))]), "decision_maker": .bool(index % 3 == 0)]),
                allowDuplicates: true, by: nil)
        }
        return (companyIDs.count, 300)
    }

    /// Tasks along the kitchen maker's process around the clients: due from three days ago
    /// (some overdue) to ten days ahead, a few done, some with a checklist and a reminder.
    func fillTasks(owners: [Int64]) async throws -> Int {
        var generator = DemoClients(seed: 5)
        let steps: [(String, [String])] = [
            ("Перезвонить клиенту", []),
            ("Отправить каталог и КП", ["Собрать КП по замерам", "Отправить на e-mail", "Позвонить: получили ли"]),
            ("Записать на замер", ["Согласовать дату", "Передать замерщику адрес"]),
            ("Подтвердить замер на завтра", []),
            ("Согласовать дизайн-проект", ["Показать 3D-проект", "Уточнить фасады и фурнитуру"]),
            ("Выставить счёт на предоплату", []),
            ("Проверить поступление предоплаты", []),
        ]
        let companyIDs = try await env.database.read { db in
            try await db.raw("SELECT id FROM companies ORDER BY id LIMIT 60").all().map { try $0.decode(column: "id", as: Int64.self) }
        }
        let tasks = TaskService(env: env)
        let now = env.clock.now()
        // The administrator one signs in as gets a share, so the desktop has work to show.
        let admin = try await UserService(env: env).find(email: Self.adminEmail)?.id
        let owners = owners + (admin.map { [$0, $0] } ?? [])
        var count = 0
        for (index, company) in companyIDs.enumerated() {
            let (title, checklist) = steps[index % steps.count]
            let deadline = now.addingTimeInterval(Double(generator.int(-72..<240)) * 3600)
            let reminder = deadline.addingTimeInterval(-3600)
            let task = try await tasks.create(
                TaskInput(title: title, checklist: checklist.map { WorkTask.ChecklistItem(text: $0) }, ownerID: generator.pick(owners),
                          deadline: ISO8601.string(deadline), reminders: reminder > now ? [ISO8601.string(reminder)] : [],
                          priority: index % 5 == 0 ? "high" : "normal", linkEntity: "company", linkID: company),
                due: nil, calendar: nil, by: nil)
            if index % 6 == 5 {
                _ = try await tasks.update(task.id, TaskInput(status: "done"), expectedVersion: nil,
                                           by: try await AuthService(env: env).consolePrincipal(userID: task.ownerID))
            }
            count += 1
        }
        return count
    }

    /// The lead process of seed 002 as chains around eighty companies, by each company's
    /// responsible: the incoming call, the proposal sent by e-mail, the measurer's visit
    /// (some held, some planned with a reminder), a call to agree the design (some overdue);
    /// and notes typed on the card.
    func fillInteractions() async throws -> Int {
        var generator = DemoClients(seed: 7)
        let companies = try await env.database.read { db in
            try await db.raw("SELECT id, owner_id FROM companies WHERE owner_id IS NOT NULL ORDER BY id LIMIT 80").all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "owner_id", as: Int64.self))
            }
        }
        let service = InteractionService(env: env)
        let auth = AuthService(env: env)
        // The administrator one signs in as leads a third of them, so the queue has work to show.
        let admin = try await UserService(env: env).find(email: Self.adminEmail)?.id
        let now = env.clock.now()
        let sources = ["Яндекс.Директ", "Авито", "Сарафанное радио", "Выставка «Мебель-2026»", "Сайт"]
        let hour: TimeInterval = 3600
        // Conversations happen in working hours, Moscow time: a moment moved to its day at 9…18 h.
        let moscow = BusinessCalendar(timeZone: TimeZone(identifier: "Europe/Moscow") ?? .gmt)
        func inWorkingHours(_ date: Date, _ salt: Int) -> Date {
            moscow.instant(moscow.day(of: date), minute: (9 + salt % 10) * 60 + (salt % 4) * 15)
        }
        var count = 0
        for (index, (company, owner)) in companies.enumerated() {
            let principal = try await auth.consolePrincipal(userID: index % 3 == 1 ? admin ?? owner : owner)
            // A marketer's companies have no sales conversations to show.
            guard principal.may(.create, .activity) else { continue }
            let source = generator.pick(sources)
            let started = inWorkingHours(now.addingTimeInterval(-Double(generator.int(48..<480)) * hour), index)
            let name = generator.person()
            let subject = "Кухня: \(name.first) \(name.last)"
            func at(_ date: Date) -> String { ISO8601.string(date) }
            let call = try await service.create(InteractionInput(
                kind: "call", subject: subject, details: "Угловая кухня около \(generator.int(3..<7)) м, фасады эмаль",
                startAt: at(started), durationMinutes: generator.int(3..<15), channel: generator.phone(), direction: "incoming",
                priority: "medium", purpose: "sale", state: "done", status: "held", advertisingSource: source,
                participants: [.init(kind: "text", name: "\(name.last) \(name.first) \(name.middle)")],
                result: "Договорились отправить КП", linkEntity: "company", linkID: company), by: principal)
            count += 1
            guard index % 4 != 3 else { continue }
            _ = try await service.followUp(call.id, InteractionInput(
                kind: "email", subject: "КП: \(subject)", details: "КП №\(100 + index) на \(generator.int(180..<900)) 000 ₽",
                startAt: at(started.addingTimeInterval(2 * hour)), direction: "outgoing", state: "done", status: "held"),
                by: principal)
            count += 1
            // The measurer's visit: past ones held, the rest ahead with a reminder an hour before.
            let visitAt = inWorkingHours(started.addingTimeInterval(Double(generator.int(48..<400)) * hour), index + 3)
            let planned = visitAt > now
            _ = try await service.followUp(call.id, InteractionInput(
                kind: "visit", subject: "Замер: \(subject)", details: "Замер помещения, предварительная цена по КП",
                startAt: at(visitAt), durationMinutes: 180, channel: "ул. Ленина, \(generator.int(1..<120))",
                state: planned ? "no_review" : "done", status: planned ? "planned" : "held",
                result: planned ? "" : "Замер выполнен, размеры переданы дизайнеру",
                reminders: planned && visitAt.addingTimeInterval(-hour) > now ? [at(visitAt.addingTimeInterval(-hour))] : []),
                by: principal)
            count += 1
            if index % 3 != 2 {
                _ = try await service.followUp(call.id, InteractionInput(
                    kind: "call", subject: "Согласовать дизайн-проект",
                    startAt: at(inWorkingHours(now.addingTimeInterval(Double(generator.int(-20..<40)) * hour), index + 5)),
                    direction: "outgoing",
                    priority: index % 2 == 0 ? "high" : "medium", status: "planned"), by: principal)
                count += 1
            }
            if index % 5 == 0 {
                _ = try await service.create(InteractionInput(
                    kind: "note", subject: "Клиент просит позвонить после 18:00", status: "held",
                    linkEntity: "company", linkID: company), by: principal)
                count += 1
            }
        }
        return count
    }

    /// The kitchen maker's extra fields, those not defined yet: the project budget and kitchen
    /// style of a company, how a person prefers to be reached and whether they decide.
    func ensureCustomFields() async throws {
        let fields = CustomFieldService(env: env)
        let existing = Set(try await env.database.read { db in
            try await CustomFieldStore().list(entity: nil, includeArchived: true, on: db).map { "\($0.entity.rawValue).\($0.code)" }
        })
        let specs: [CustomFieldInput] = [
            .init(entity: "company", code: "budget", label: "Бюджет проекта", type: "money", filterable: true,
                  sortable: true, showInList: true),
            .init(entity: "company", code: "kitchen_style", label: "Стиль кухни", type: "choice",
                  options: ["Современный", "Классика", "Лофт", "Скандинавский"].map { .init(label: $0) },
                  filterable: true, showInList: true),
            .init(entity: "company", code: "next_visit", label: "Следующий визит", type: "date", filterable: true,
                  sortable: true),
            .init(entity: "contact", code: "preferred_contact", label: "Удобный способ связи", type: "multi_choice",
                  options: ["Звонок", "WhatsApp", "Telegram", "E-mail"].map { .init(label: $0) }, filterable: true,
                  showInList: true),
            .init(entity: "contact", code: "decision_maker", label: "Принимает решение", type: "boolean", filterable: true),
        ]
        for spec in specs where !existing.contains("\(spec.entity ?? "").\(spec.code ?? "")") {
            _ = try await fields.create(spec, by: nil)
        }
    }
}
