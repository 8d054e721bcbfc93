import Foundation
import Hummingbird
import RapportDomain
import RapportServices

/// `/admin/delivery`: how the company's messages go out — the SMTP server (its password
/// written, never shown; "send a test message" answering with the server's own words) and
/// the SMS gateway (address, method, body template, success rule, delivery reports).
struct DeliveryPages {
    let pages: PageRenderer
    let integrations: IntegrationService

    func register(on group: RouterGroup<RapportRequestContext>) {
        group.get("admin/delivery") { request, context in
            try await page(request, context, values: [:], errors: [:])
        }
        group.post("admin/delivery/smtp") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let security = SMTPSettings.Security(rawValue: form["security"] ?? "") ?? .starttls
            let port = form["port"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let settings = SMTPSettings(host: form["host"] ?? "", port: port, security: security, username: form["username"],
                                        fromAddress: form["from_address"] ?? "", fromName: form["from_name"],
                                        verifyCertificate: form["verify_certificate"] == "1")
            let password = (form["password"] ?? "").isEmpty ? nil : form["password"]
            return try await save(request, context, form: form, prefix: "smtp") { existing in
                if let existing {
                    return try await integrations.update(existing.id, .init(smtp: settings, password: password), expectedVersion: nil, by: principal)
                }
                return try await integrations.create(.init(kind: "smtp", name: "SMTP", smtp: settings, password: password ?? ""), by: principal)
            }
        }
        group.post("admin/delivery/smtp/test") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            guard let smtp = try await current(.smtp, principal) else { return pages.redirect(to: "/admin/delivery") }
            do {
                let reply = try await integrations.sendTestMessage(smtp.id, to: form["to"], by: principal)
                return try await page(request, context, values: ["to": form["to"] ?? ""], errors: [:], outcome: (true, reply))
            } catch RapportError.upstream(let said) {
                return try await page(request, context, values: ["to": form["to"] ?? ""], errors: [:], outcome: (false, said))
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, values: ["to": form["to"] ?? ""],
                                      errors: pages.errors(error, pages.locale(request, context)))
            }
        }
        group.post("admin/delivery/sms") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let settings = Self.gatewaySettings(form)
            return try await save(request, context, form: form, prefix: "sms") { existing in
                if let existing {
                    return try await integrations.update(existing.id, .init(active: form["active"] == "1", sms: settings), expectedVersion: nil,
                                                         by: principal)
                }
                return try await integrations.create(.init(kind: "sms_gateway", name: "SMS", sms: settings), by: principal)
            }
        }
        registerMessenger(on: group)
    }

    /// A messenger's outgoing connector, on its lead webhook integration.
    func registerMessenger(on group: RouterGroup<RapportRequestContext>) {
        group.post("admin/delivery/messenger/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let form = try await PageForm.read(request, context: context, csrf: csrfToken(principal))
            let id = try context.id(entity: "integration")
            do {
                _ = try await integrations.update(id, .init(messenger: Self.gatewaySettings(form)), expectedVersion: nil, by: principal)
                return pages.redirect(to: "/admin/delivery#messenger-\(id)", flash: "flash_saved")
            } catch let error as RapportError {
                guard case .validation = error else { throw error }
                return try await page(request, context, values: form.values, errors: pages.flatErrors(error, pages.locale(request, context)),
                                      editing: "messenger-\(id)")
            }
        }
    }

    /// An HTTP gateway's settings as the SMS and messenger forms send them.
    static func gatewaySettings(_ form: PageForm) -> SMSGatewaySettings {
        func list(_ key: String) -> [String] {
            (form[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        func optional(_ key: String) -> String? { (form[key] ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? nil : form[key] }
        let defaults = SMSGatewaySettings(url: "")
        return SMSGatewaySettings(
            url: form["url"] ?? "", method: SMSGatewaySettings.Method(rawValue: form["method"] ?? "") ?? .post,
            contentType: SMSGatewaySettings.ContentType(rawValue: form["content_type"] ?? "") ?? .json,
            bodyTemplate: form["body_template"] ?? "", sender: optional("sender"), successContains: optional("success_contains"),
            providerIDField: optional("provider_id_field"), reportIDField: form["report_id_field"] ?? defaults.reportIDField,
            reportStatusField: form["report_status_field"] ?? defaults.reportStatusField,
            deliveredValues: form["delivered_values"] == nil ? defaults.deliveredValues : list("delivered_values"),
            failedValues: form["failed_values"] == nil ? defaults.failedValues : list("failed_values"))
    }

    /// The first integration of a kind (the one the outbox sends through).
    func current(_ kind: Integration.Kind, _ principal: Principal) async throws -> Integration? {
        try await integrations.list(by: principal).first { $0.kind == kind }
    }

    func save(_ request: Request, _ context: RapportRequestContext, form: PageForm, prefix: String,
              _ write: (Integration?) async throws -> Integration) async throws -> Response {
        let principal = try context.requirePrincipal()
        let kind: Integration.Kind = prefix == "smtp" ? .smtp : .smsGateway
        do {
            _ = try await write(try await current(kind, principal))
            return pages.redirect(to: "/admin/delivery#\(prefix)", flash: "flash_saved")
        } catch let error as RapportError {
            guard case .validation = error else { throw error }
            var values = form.values
            values.removeValue(forKey: "password")
            return try await page(request, context, values: values, errors: pages.flatErrors(error, pages.locale(request, context)), editing: prefix)
        }
    }

    func page(_ request: Request, _ context: RapportRequestContext, values: [String: String], errors: [String: String],
              outcome: (ok: Bool, said: String)? = nil, editing: String? = nil) async throws -> Response {
        let principal = try context.requirePrincipal()
        var model = try await pages.model(request, context, titleKey: "delivery_heading", nav: "delivery")
        let smtp = try await current(.smtp, principal)
        let sms = try await current(.smsGateway, principal)
        let mail = smtp?.settings.smtp
        func value(_ key: String, _ stored: String?) -> String { editing == "smtp" ? values[key] ?? "" : stored ?? "" }
        model["smtp"] = [
            "exists": smtp != nil, "password_set": !(smtp?.secret ?? "").isEmpty,
            "host": value("host", mail?.host), "port": value("port", mail.map { String($0.port) }),
            "username": value("username", mail?.username), "from_address": value("from_address", mail?.fromAddress),
            "from_name": value("from_name", mail?.fromName),
            "verify": editing == "smtp" ? values["verify_certificate"] == "1" : mail?.verifyCertificate ?? true,
            "securities": SMTPSettings.Security.allCases.map { option -> [String: Any] in
                let chosen = editing == "smtp" ? values["security"] == option.rawValue : (mail?.security ?? .starttls) == option
                return ["value": option.rawValue, "label": pages.text("smtp_security_\(option.rawValue)", pages.locale(request, context)),
                        "selected": chosen]
            },
            "test_to": values["to"] ?? principal.user.email,
        ] as [String: Any]
        let gateway = sms?.settings.sms ?? SMSGatewaySettings(url: "")
        func smsValue(_ key: String, _ stored: String?) -> String { editing == "sms" ? values[key] ?? "" : stored ?? "" }
        model["sms"] = [
            "exists": sms != nil, "active": sms?.active ?? true,
            "url": smsValue("url", gateway.url), "body_template": smsValue("body_template", gateway.bodyTemplate),
            "sender": smsValue("sender", gateway.sender), "success_contains": smsValue("success_contains", gateway.successContains),
            "provider_id_field": smsValue("provider_id_field", gateway.providerIDField),
            "report_id_field": smsValue("report_id_field", gateway.reportIDField),
            "report_status_field": smsValue("report_status_field", gateway.reportStatusField),
            "delivered_values": smsValue("delivered_values", gateway.deliveredValues.joined(separator: ", ")),
            "failed_values": smsValue("failed_values", gateway.failedValues.joined(separator: ", ")),
            "methods": SMSGatewaySettings.Method.allCases.map { ["value": $0.rawValue, "selected": $0 == gateway.method] as [String: Any] },
            "content_types": SMSGatewaySettings.ContentType.allCases.map {
                ["value": $0.rawValue, "selected": $0 == gateway.contentType] as [String: Any]
            },
            "report_url": sms.map { "/api/v1/sms/\($0.id)/reports?token=\($0.secret)" } ?? "",
        ] as [String: Any]
        // Each messenger's lead webhook with its outgoing connector (the form that failed keeps what was typed).
        let locale = pages.locale(request, context)
        model["messengers"] = try await integrations.list(by: principal).filter { $0.kind == .leadWebhook }.map { hook -> [String: Any] in
            let mine = editing == "messenger-\(hook.id)"
            let stored = hook.settings.messenger
            let connector = stored ?? SMSGatewaySettings(url: "", bodyTemplate: #"{"chat_id": "{{to}}", "text": "{{text}}"}"#)
            func value(_ key: String, _ kept: String?) -> String { mine ? values[key] ?? "" : kept ?? "" }
            return [
                "id": hook.id, "name": hook.name, "configured": stored != nil, "active": hook.active,
                "state": pages.text(stored == nil ? "messenger_not_configured" : hook.active ? "messenger_on" : "messenger_off", locale),
                "url": value("url", stored?.url), "body_template": value("body_template", connector.bodyTemplate),
                "success_contains": value("success_contains", connector.successContains),
                "provider_id_field": value("provider_id_field", connector.providerIDField),
                "methods": SMSGatewaySettings.Method.allCases.map { ["value": $0.rawValue, "selected": $0 == connector.method] as [String: Any] },
                "content_types": SMSGatewaySettings.ContentType.allCases.map {
                    ["value": $0.rawValue, "selected": $0 == connector.contentType] as [String: Any]
                },
                "errors": mine ? errors : [:],
            ]
        }
        model["errors"] = editing?.hasPrefix("messenger-") == true ? [:] : errors
        if let outcome { model["test_outcome"] = ["ok": outcome.ok, "said": outcome.said] }
        return pages.render("delivery", model, request: request, status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
