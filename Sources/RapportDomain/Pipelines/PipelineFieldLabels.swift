/// The names people see for the built-in fields of leads and deals (and what their history
/// records), in both languages: pages, refusals, histories and the tasks the system writes all
/// say the same.
public enum PipelineFieldLabels {
    static let en: [String: String] = [
        "title": "Title", "full_name": "Full name", "client_name": "Client name", "first_name": "First name", "middle_name": "Middle name",
        "last_name": "Last name", "phone": "Phone", "email": "E-mail", "company_name": "Company name", "source": "Source",
        "campaign": "Campaign", "utm_source": "UTM source", "utm_medium": "UTM medium", "utm_campaign": "UTM campaign",
        "utm_content": "UTM content", "utm_term": "UTM term", "topic": "Topic of the request", "client_type": "Client type",
        "object_address": "Object address", "region": "Region", "language": "Language", "referrer": "Page", "amount": "Amount", "preliminary_amount": "Preliminary price", "currency": "Currency", "comments": "Comments",
        "owner_id": "Responsible", "line_items": "Line items", "client": "Client", "company_id": "Company",
        "contact_id": "Contact", "close_date": "Expected close date", "probability": "Probability",
        // What a record's history says besides its fields.
        "stage": "Stage", "stage_refused": "Automatic move refused", "routing": "Distribution", "visit": "Visit", "visit_results": "Visit results", "visit_confirmed": "Visit confirmed", "service_level": "Service level", "close_reason": "Reason", "converted": "Converted",
        "message": "Message", "document": "Document",
    ]
    static let ru: [String: String] = [
        "title": "Название", "full_name": "ФИО", "client_name": "Имя клиента", "first_name": "Имя", "middle_name": "Отчество",
        "last_name": "Фамилия", "phone": "Телефон", "email": "E-mail", "company_name": "Название компании",
        "source": "Источник", "campaign": "Кампания", "utm_source": "UTM source", "utm_medium": "UTM medium",
        "utm_campaign": "UTM campaign", "utm_content": "UTM content", "utm_term": "UTM term", "topic": "Тема обращения",
        "client_type": "Тип клиента", "object_address": "Адрес объекта", "region": "Регион", "language": "Язык", "referrer": "Страница", "amount": "Сумма", "preliminary_amount": "Предварительная цена", "currency": "Валюта",
        "comments": "Комментарий", "owner_id": "Ответственный", "line_items": "Товары и услуги", "client": "Клиент",
        "company_id": "Компания", "contact_id": "Контакт", "close_date": "Предполагаемая дата закрытия",
        "probability": "Вероятность",
        "stage": "Этап", "stage_refused": "Автопереход не выполнен", "routing": "Распределение", "visit": "Выезд", "visit_results": "Итоги выезда", "visit_confirmed": "Выезд подтверждён", "service_level": "Уровень сервиса", "close_reason": "Причина", "converted": "Конвертирован",
        "message": "Сообщение", "document": "Документ",
    ]

    /// The field's label; a custom field's from `custom`, an unknown code as it is.
    public static func label(_ code: String, _ locale: AppLocale, custom: [String: String] = [:]) -> String {
        if let label = custom[code] { return label }
        return (locale == .ru ? ru : en)[code] ?? code
    }
}
