import Foundation
import RapportDomain

extension DemoService {
    /// The kitchen maker's messages, in Russian and in English: the commercial proposal (the
    /// e-mail and its PDF), the invoice, "we received your request" and the measurement SMS
    /// (which the visits use).
    func fillTemplates() async throws {
        let templates = TemplateService(env: env)
        let table = """
            <table border="1" cellpadding="6" style="border-collapse:collapse">
            <tr><th>№</th><th>%NAME%</th><th>%QTY%</th><th>%PRICE%</th><th>%SUM%</th></tr>
            {{#line_items}}<tr><td>{{position}}</td><td>{{name}}</td><td align="right">{{quantity}} {{unit}}</td><td align="right">{{price}}</td><td align="right">{{total}}</td></tr>{{/line_items}}
            </table>
            """
        let ruTable = table.replacingOccurrences(of: "%NAME%", with: "Наименование").replacingOccurrences(of: "%QTY%", with: "Кол-во")
            .replacingOccurrences(of: "%PRICE%", with: "Цена").replacingOccurrences(of: "%SUM%", with: "Сумма")
        let enTable = table.replacingOccurrences(of: "%NAME%", with: "Item").replacingOccurrences(of: "%QTY%", with: "Qty")
            .replacingOccurrences(of: "%PRICE%", with: "Price").replacingOccurrences(of: "%SUM%", with: "Total")
        let inputs: [TemplateInput] = [
            TemplateInput(kind: "email", code: "proposal", name: "Коммерческое предложение", recordKind: "lead", locale: "ru",
                          subject: "Коммерческое предложение «{{company.name}}» для {{client.name}}",
                          // The cover letter of the PDF proposal: the prices are in the PDF.
                          html: "<p>{{client.salutation}}</p><p>Благодарим за интерес к кухням «{{company.name}}». "
                              + "Во вложении — наше коммерческое предложение и каталог. Ответим на любые вопросы.</p>"
                              + "<p>С уважением,<br>{{responsible.name}}<br>{{responsible.phone}}</p>",
                          text: "{{client.salutation}}\nБлагодарим за интерес к кухням «{{company.name}}». Во вложении — наше коммерческое "
                              + "предложение и каталог. Ответим на любые вопросы.\n\nС уважением,\n{{responsible.name}}, {{company.name}}"),
            TemplateInput(kind: "email", code: "proposal", name: "Commercial proposal", recordKind: "lead", locale: "en",
                          subject: "Proposal from {{company.name}} for {{client.name}}",
                          html: "<p>{{client.salutation}}</p><p>Thank you for your interest in {{company.name}} kitchens. "
                              + "Our proposal and catalogue are attached. We are glad to answer any questions.</p>"
                              + "<p>Best regards,<br>{{responsible.name}}<br>{{responsible.phone}}</p>",
                          text: "{{client.salutation}}\nThank you for your interest in {{company.name}} kitchens. Our proposal and catalogue "
                              + "are attached. We are glad to answer any questions.\n\nBest regards,\n{{responsible.name}}, {{company.name}}"),
            TemplateInput(kind: "document", code: "proposal", name: "Коммерческое предложение (PDF)", recordKind: "lead", locale: "ru",
                          subject: "Коммерческое предложение № {{document.number}} от {{document.date}}",
                          html: "<p align=\"right\"><img src=\"company:logo\" width=\"56\"></p>"
                              + "<h1>Коммерческое предложение № {{document.number}} от {{document.date}}</h1>"
                              + "<p>{{company.full_name}}<br>{{company.address}}<br>{{company.phone}} · {{company.email}}</p>"
                              + "<p>{{client.salutation}}</p><p>По вашему запросу («{{lead.topic}}») предлагаем:</p>" + ruTable
                              + "<p align=\"right\"><b>Итого: {{totals.total}}</b></p><p>{{totals.total_in_words}}</p>"
                              + "<p>Предложение действует 14 дней. При заказе в течение недели — скидка 10%.</p>"
                              + "<p>{{responsible.name}}, {{responsible.phone}}</p>"),
            TemplateInput(kind: "document", code: "proposal", name: "Commercial proposal (PDF)", recordKind: "lead", locale: "en",
                          subject: "Commercial proposal {{document.number}} of {{document.date}}",
                          html: "<p align=\"right\"><img src=\"company:logo\" width=\"56\"></p>"
                              + "<h1>Commercial proposal {{document.number}} of {{document.date}}</h1>"
                              + "<p>{{company.full_name}}<br>{{company.address}}<br>{{company.phone}} · {{company.email}}</p>"
                              + "<p>{{client.salutation}}</p><p>For your request (\"{{lead.topic}}\") we offer:</p>" + enTable
                              + "<p align=\"right\"><b>Total: {{totals.total}}</b></p><p>{{totals.total_in_words}}</p>"
                              + "<p>The offer is valid for 14 days; 10% off when ordered within a week.</p>"
                              + "<p>{{responsible.name}}, {{responsible.phone}}</p>"),
            TemplateInput(kind: "document", code: "invoice", name: "Счёт на оплату", recordKind: "deal", locale: "ru",
                          subject: "Счёт на оплату № {{document.number}} от {{document.date}}",
                          html: "<p align=\"right\"><img src=\"company:logo\" width=\"48\"></p>"
                              + "<table border=\"1\"><tr><td colspan=\"2\">{{company.bank_name}}<br><small>Банк получателя</small></td>"
                              + "<td>БИК</td><td>{{company.bik}}</td></tr>"
                              + "<tr><td>ИНН {{company.inn}}</td><td>КПП {{company.kpp}}</td><td>Сч. №</td><td>{{company.account}}</td></tr>"
                              + "<tr><td colspan=\"2\">{{company.full_name}}<br><small>Получатель</small></td><td>Корр. сч.</td>"
                              + "<td>{{company.correspondent_account}}</td></tr></table>"
                              + "<h1>Счёт на оплату № {{document.number}} от {{document.date}}</h1>"
                              + "<p>Поставщик: <b>{{company.full_name}}</b>, ИНН {{company.inn}}, КПП {{company.kpp}}, {{company.address}}</p>"
                              + "<p>Покупатель: <b>{{client.buyer}}</b></p>" + ruTable
                              + "<p align=\"right\">В том числе НДС: {{totals.tax}}<br><b>Всего к оплате: {{totals.total}}</b></p>"
                              + "<p>Всего наименований {{totals.count}}, на сумму {{totals.total}}<br><b>{{totals.total_in_words}}</b></p><hr>"
                              + "<p>Руководитель ______________ {{company.director}} <img src=\"company:signature\" height=\"34\">"
                              + " <img src=\"company:stamp\" height=\"96\"></p><p>Бухгалтер ______________ {{company.accountant}}</p>"),
            TemplateInput(kind: "document", code: "invoice", name: "Invoice", recordKind: "deal", locale: "en",
                          subject: "Invoice {{document.number}} of {{document.date}}",
                          html: "<p align=\"right\"><img src=\"company:logo\" width=\"48\"></p>"
                              + "<h1>Invoice {{document.number}} of {{document.date}}</h1>"
                              + "<p>From: <b>{{company.full_name}}</b>, INN {{company.inn}}, {{company.address}}<br>"
                              + "Bank: {{company.bank_name}}, BIK {{company.bik}}, account {{company.account}}</p>"
                              + "<p>To: <b>{{client.buyer}}</b></p>" + enTable
                              + "<p align=\"right\">VAT included: {{totals.tax}}<br><b>Total due: {{totals.total}}</b></p><p>{{totals.total_in_words}}</p><hr>"
                              + "<p>Director {{company.director}} <img src=\"company:signature\" height=\"34\"> <img src=\"company:stamp\" height=\"96\"></p>"),
            TemplateInput(kind: "email", code: "request_received", name: "Мы получили вашу заявку", recordKind: "lead", locale: "ru",
                          subject: "Мы получили вашу заявку — {{company.name}}",
                          text: "{{client.salutation}}\nСпасибо за обращение! {{responsible.name}} свяжется с вами в ближайшее время.\n{{company.name}}"),
            TemplateInput(kind: "email", code: "request_received", name: "We received your request", recordKind: "lead", locale: "en",
                          subject: "We received your request — {{company.name}}",
                          text: "{{client.salutation}}\nThank you for contacting us! {{responsible.name}} will call you shortly.\n{{company.name}}"),
            TemplateInput(kind: "sms", code: "visit_sms", name: "SMS о замере", recordKind: "visit", locale: "ru",
                          text: "{{company.name}}: {{visit.kind}} {{visit.date}} в {{visit.time}}. Специалист: {{visit.technician_name}}, {{visit.technician_phone}}."),
            TemplateInput(kind: "sms", code: "visit_sms", name: "Visit SMS", recordKind: "visit", locale: "en",
                          text: "{{company.name}}: {{visit.kind}} on {{visit.date}} at {{visit.time}}. Your specialist: {{visit.technician_name}}, {{visit.technician_phone}}."),
        ]
        for input in inputs { _ = try await templates.create(input, by: nil) }
    }
}
