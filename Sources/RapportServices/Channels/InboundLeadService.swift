import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// A request as a social network, a messenger or a site's own backend sends it.
public struct InboundLeadInput: Sendable, Equatable, Decodable {
    public var externalID: String?
    public var name: String?
    public var phone: String?
    public var email: String?
    public var message: String?
    public var channel: String?
    /// The sender's chat in the messenger: later messages of it land on the same record, and
    /// replies go back to it through the integration's outgoing connector.
    public var chatID: String?
    public var referrer: String?
    public var utmSource: String?
    public var utmMedium: String?
    public var utmCampaign: String?
    public var utmContent: String?
    public var utmTerm: String?

    public init(externalID: String? = nil, name: String? = nil, phone: String? = nil, email: String? = nil, message: String? = nil,
                channel: String? = nil, chatID: String? = nil) {
        self.chatID = chatID
        self.externalID = externalID
        self.name = name
        self.phone = phone
        self.email = email
        self.message = message
        self.channel = channel
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, phone, email, message, channel, referrer
        case externalID = "external_id", chatID = "chat_id", utmSource = "utm_source", utmMedium = "utm_medium", utmCampaign = "utm_campaign"
        case utmContent = "utm_content", utmTerm = "utm_term"
    }
}

/// The generic inbound "lead" webhook (an integration of kind `lead_webhook`, signed like the
/// telephony one): each request once by its `external_id`, taken in like any request — to the
/// record its chat is about, else the known client or open lead, else a new lead — as an
/// incoming messenger interaction.
public struct InboundLeadService: Sendable {
    let env: ServiceEnvironment

    public init(env: ServiceEnvironment) {
        self.env = env
    }

    /// The record the request went to; a repeat answers with the first one's.
    public func receive(_ input: InboundLeadInput, from integration: Integration) async throws -> (duplicate: Bool, link: WorkTask.Link) {
        var v = Validator()
        let externalID = v.requireText(input.externalID, field: "external_id", maxLength: 200)
        let name = v.optionalText(input.name, field: "name", maxLength: 300)
        let phone = v.optionalText(input.phone, field: "phone", maxLength: 50)
        let email = v.optionalText(input.email, field: "email", maxLength: 254)
        let message = v.optionalText(input.message, field: "message", maxLength: 20_000)
        let channel = v.optionalText(input.channel, field: "channel", maxLength: 100)
        let chatID = v.optionalText(input.chatID, field: "chat_id", maxLength: 200)
        if phone == nil && email == nil && chatID == nil {
            v.add("phone", "required", "a phone, an e-mail or a chat_id is needed to answer")
        }
        if let phone, Phone.normalize(phone) == nil { v.add("phone", "invalid", "phone is not a phone number") }
        if let email, Email.normalize(email) == nil { v.add("email", "invalid", "email is not an e-mail address") }
        try v.throwIfInvalid()
        var lead = LeadInput()
        if let name {
            let parts = PersonName.split(name)
            (lead.lastName, lead.firstName, lead.middleName) = (parts.last, parts.first, parts.middle)
        }
        lead.phones = phone.map { [$0] }
        lead.emails = email.map { [$0] }
        lead.comments = message
        lead.source = channel ?? integration.settings.source ?? "messenger"
        lead.referrer = input.referrer
        (lead.utmSource, lead.utmMedium, lead.utmCampaign) = (input.utmSource, input.utmMedium, input.utmCampaign)
        (lead.utmContent, lead.utmTerm) = (input.utmContent, input.utmTerm)
        let now = env.clock.now()
        return try await env.database.transaction { [lead] db in
            let requests = InboundRequestStore()
            if let earlier = try await requests.find(integrationID: integration.id, externalID: externalID, on: db) {
                return (true, earlier)
            }
            let ru = (try await SettingsStore().get(on: db)?.locale ?? .en) == .ru
            let subject = (ru ? "Сообщение: " : "Message: ") + (lead.source ?? integration.name)
            let details = [name, phone, email, message].compactMap { $0 }.joined(separator: "\n")
            let chats = MessengerChatStore()
            var conversation: WorkTask.Link?
            if let chatID { conversation = try await chats.find(integrationID: integration.id, chatID: chatID, on: db)?.link }
            let link = try await LeadIntake(env: self.env).receive(lead, kind: .messenger, subject: subject, details: details,
                                                                    defaultOwnerID: integration.settings.defaultOwnerID,
                                                                    conversation: conversation, now: now, db).link
            if let chatID { try await chats.touch(integrationID: integration.id, chatID: chatID, link: link, at: now, on: db) }
            try await requests.insert(integrationID: integration.id, externalID: externalID, link: link, at: now, on: db)
            return (false, link)
        }
    }
}
