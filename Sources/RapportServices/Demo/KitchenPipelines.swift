import Foundation
import RapportDomain
import RapportStore

/// The kitchen maker's lead and deal pipelines of PRODUCT.md section W, in Russian or English:
/// every rule is a setting (stages, gates, entry tasks, hints, reasons), made through
/// `PipelineService` as an administrator would make them.
public struct KitchenPipelines: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    public struct Installed: Sendable {
        public var lead: Pipeline
        public var deal: Pipeline
        public var junkReasons: [CloseReason]
        public var lostReasons: [CloseReason]
    }

    /// Creates both pipelines and the close reasons.
    public func install(_ locale: AppLocale) async throws -> Installed {
        let ru = locale == .ru
        let service = PipelineService(env: env)
        let lead = try await service.create(
            PipelineInput(entity: "lead", name: ru ? "Обращения" : "Requests", mode: "strict"),
            stages: [
                StageInput(name: ru ? "Новый" : "New", color: "#4A90D9",
                           hint: ru ? "Перезвоните клиенту и узнайте, что ему нужно." : "Call the client back and find out what they need.",
                           entryTasks: [StageTaskInput(title: ru ? "Связаться с клиентом {{phone}}" : "Contact the client {{phone}}",
                                                       dueHours: 0.5, priority: "high")]),
                StageInput(name: ru ? "Клиент наш" : "Client is ours", color: "#7B61FF",
                           requiredFields: ["client_name", "topic", "client_type"],
                           hint: ru ? "Узнайте имя, тему обращения (например, угловые кухни) и тип клиента: конечный покупатель, дилер, дизайнер."
                               : "Find out the name, the topic (e.g. corner kitchens) and the client type: end customer, dealer, designer."),
                StageInput(name: ru ? "Каталог и КП отправлены" : "Catalogue and proposal sent", color: "#F5A623",
                           hint: ru ? "Отправьте каталог и коммерческое предложение на e-mail клиента, затем закройте задачу."
                               : "Send the catalogue and the proposal to the client's e-mail, then close the task.",
                           hintLink: "/help/proposal",
                           autoAdvance: true,
                           entryTasks: [StageTaskInput(
                               title: ru ? "Отправить каталог и КП: {{client_name}}" : "Send the catalogue and proposal: {{client_name}}",
                               description: ru
                                   ? "Тема: {{topic}}. Тип клиента: {{client_type}}. Условия: скидка 10% при заказе в течение недели. Нужен e-mail клиента."
                                   : "Topic: {{topic}}. Client type: {{client_type}}. Terms: 10% off when ordered within a week. The client's e-mail is needed.",
                               script: ru
                                   ? "Здравствуйте, {{first_name}}! Я подготовил(а) для вас каталог и предложение по {{topic}}. На какой e-mail удобнее отправить?"
                                   : "Hello {{first_name}}! I have prepared a catalogue and a proposal on {{topic}} for you. Which e-mail should I send them to?",
                               checklist: ru ? ["Уточнить e-mail", "Подобрать модели под запрос", "Отправить каталог", "Отправить КП"]
                                   : ["Confirm the e-mail", "Pick models for the request", "Send the catalogue", "Send the proposal"],
                               dueHours: 4)]),
                StageInput(name: ru ? "Замер назначен" : "Measurement scheduled", color: "#50E3C2",
                           // Seed 002: no move without the proposal really sent to the client's e-mail.
                           condition: #"has(email) and document_sent("proposal")"#,
                           hint: ru ? "Позвоните клиенту: вопросы и возражения. Заполните адрес объекта и назначьте замерщика."
                               : "Call the client about questions and objections. Fill in the object address and book a measurer.",
                           entryTasks: [StageTaskInput(
                               title: ru ? "Созвониться с клиентом по КП: вопросы и возражения" : "Call the client about the proposal: questions and objections",
                               checklist: ru ? ["Ответить на вопросы", "Записать возражения", "Согласовать дату замера"]
                                   : ["Answer the questions", "Note the objections", "Agree on the measurement date"],
                               dueDays: 1)]),
                StageInput(name: ru ? "Сконвертирован" : "Converted", color: "#7ED321", kind: "won",
                           requiredFields: ["object_address"]),
                StageInput(name: ru ? "Некачественный" : "Junk", color: "#D0021B", kind: "lost"),
            ], by: nil)
        let deal = try await service.create(
            PipelineInput(entity: "deal", name: ru ? "Кухни на заказ" : "Custom kitchens", mode: "manual"),
            stages: [
                StageInput(name: ru ? "Замер выполнен" : "Measurement done", color: "#4A90D9",
                           hint: ru ? "Замерщик вносит размеры, материалы и дизайн-проект." : "The measurer records measurements, materials and the design layout."),
                StageInput(name: ru ? "Стоимость рассчитана" : "Cost calculated", color: "#F5A623",
                           requiredFields: ["line_items"], condition: "amount > 0",
                           hint: ru ? "Укажите окончательную цену и сообщите клиенту; отправьте КП или счёт."
                               : "Set the final price and tell the client; send the proposal or the invoice.",
                           entryTasks: [StageTaskInput(title: ru ? "Сообщить клиенту стоимость {{amount}}" : "Tell the client the cost {{amount}}",
                                                       dueDays: 1)]),
                StageInput(name: ru ? "Предоплата" : "Prepayment", color: "#BD10E0",
                           hint: ru ? "Выставьте счёт на предоплату; оплата переводит сделку дальше." : "Send the prepayment invoice; the payment moves the deal on."),
                StageInput(name: ru ? "Производство и монтаж" : "Production and installation", color: "#50E3C2",
                           entryTasks: [StageTaskInput(title: ru ? "Назначить выезд бригады" : "Schedule the crew's visit", dueDays: 2)]),
                StageInput(name: ru ? "Успешно" : "Won", color: "#7ED321", kind: "won"),
                StageInput(name: ru ? "Проиграна" : "Lost", color: "#D0021B", kind: "lost"),
            ], by: nil)
        let junk = ru ? ["Неверный номер", "Не заинтересован", "Спам", "Дубликат"]
            : ["Wrong number", "Not interested", "Spam", "Duplicate"]
        let lost = ru ? ["Дорого", "Выбрал конкурента", "Передумал", "Не устроили сроки"]
            : ["Too expensive", "Chose a competitor", "Changed their mind", "Lead time did not suit"]
        var junkReasons: [CloseReason] = [], lostReasons: [CloseReason] = []
        for label in junk { junkReasons.append(try await service.addReason(.lead, label: label, by: nil)) }
        for label in lost { lostReasons.append(try await service.addReason(.deal, label: label, by: nil)) }
        return Installed(lead: lead, deal: deal, junkReasons: junkReasons, lostReasons: lostReasons)
    }
}
