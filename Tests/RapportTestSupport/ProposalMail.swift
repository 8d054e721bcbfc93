import Foundation
import RapportDomain
import RapportServices

/// Seed 002's gate to "Measurement scheduled" (`has(email) and document_sent("proposal")`),
/// met the way a manager meets it: the proposal made from the "proposal" document template and
/// e-mailed with its PDF through a real SMTP server the test started. Tests that take a demo
/// lead past that stage for another purpose (visits, conversion, import) use it.
public enum ProposalMail {
    /// Points the company's SMTP settings at `server` and adds the "proposal" document
    /// template, each once.
    public static func prepare(_ harness: TestHarness, server: LocalSMTPServer, by admin: Principal) async throws {
        let services = harness.services
        if try await !services.integrations.list(by: admin).contains(where: { $0.kind == .smtp }) {
            let settings = SMTPSettings(host: "127.0.0.1", port: server.port, security: .none, username: nil,
                                        fromAddress: "sales@kitchen.example", fromName: "Kitchens", verifyCertificate: false)
            _ = try await services.integrations.create(.init(kind: "smtp", name: "SMTP", smtp: settings, password: ""), by: admin)
        }
        if try await !services.templates.list(by: admin).contains(where: { $0.kind == .document && $0.code == "proposal" }) {
            _ = try await services.templates.create(
                TemplateInput(kind: "document", code: "proposal", name: "Proposal", recordKind: "lead", locale: "en",
                              subject: "Proposal № {{document.number}}", html: "<h1>Proposal for {{client.name}}</h1>", text: ""),
                by: admin)
        }
    }

    /// Makes the lead's proposal and e-mails it to the lead's address; returns once the server
    /// has taken it (the gate counts only what the server took).
    public static func send(_ harness: TestHarness, leadID: Int64, server: LocalSMTPServer, by admin: Principal) async throws {
        try await prepare(harness, server: server, by: admin)
        let services = harness.services
        let template = try await services.templates.list(by: admin).first { $0.kind == .document && $0.code == "proposal" }
        let before = try server.received().count
        let (_, file) = try await services.documents.make(templateID: template?.id, for: .init(entity: "lead", id: leadID), by: admin)
        _ = try await services.messages.send(.init(channel: "email", linkEntity: "lead", linkID: leadID, subject: "Proposal",
                                                   text: "The proposal is attached.", attachmentIDs: [file.id]), by: admin)
        _ = try await services.outbox.deliverDue()
        guard try await server.waitFor(before + 1).count > before else {
            throw ProposalMailError.notTaken(leadID: leadID)
        }
    }
}

enum ProposalMailError: Error {
    /// The SMTP server did not take the proposal in time.
    case notTaken(leadID: Int64)
}
