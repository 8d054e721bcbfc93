import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// What is sent to convert a lead: an existing client to use instead of making one, and the
/// deal's own settings (its pipeline, stage, title …; by default the lead's).
public struct LeadConversionInput: Sendable, Equatable, Decodable {
    /// An existing contact the lead is: no new contact is made.
    public var contactID: Int64?
    /// An existing company the lead is from: no new company is made.
    public var companyID: Int64?
    /// A private person: no company even though the lead names one.
    public var withoutCompany: Bool?
    /// Make the contact (and company) even though they look like existing ones.
    public var allowDuplicates: Bool?
    public var deal: DealInput?

    public init(contactID: Int64? = nil, companyID: Int64? = nil, withoutCompany: Bool? = nil, allowDuplicates: Bool? = nil,
                deal: DealInput? = nil) {
        self.contactID = contactID; self.companyID = companyID; self.withoutCompany = withoutCompany
        self.allowDuplicates = allowDuplicates; self.deal = deal
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case deal, contactID = "contact_id", companyID = "company_id", withoutCompany = "without_company"
        case allowDuplicates = "allow_duplicates"
    }
}

/// What a conversion made.
public struct LeadConversionResult: Sendable {
    public var lead: Lead
    public var contactID: Int64
    public var companyID: Int64?
    public var deal: Deal
}

extension LeadService {
    /// Converts a qualified lead, in one transaction, into a contact (and a company when the
    /// lead names one; a private person needs none) and a deal: the lead's won stage must
    /// admit it (its gate applies), a contact or company that looks like an existing one is
    /// refused with the candidates (`possibleDuplicates`) unless one is picked or duplicates
    /// are allowed, the deal takes the lead's line items and amount and remembers the lead,
    /// and the lead keeps its history and points at what it became.
    public func convert(_ id: Int64, _ input: LeadConversionInput, expectedVersion: Int64?, by principal: Principal) async throws
        -> LeadConversionResult
    {
        let now = env.clock.now()
        return try await env.database.transaction { db in
            var lead = try await self.records.changeable(id, principal, db)
            try Access.requireVersion(expectedVersion, current: lead.version)
            if lead.conversion != nil { throw RapportError.conflict("the lead is already converted") }
            guard let pipeline = try await PipelineStore().find(id: lead.place.pipelineID, on: db),
                  let won = pipeline.stages.first(where: { $0.kind == .won })
            else { throw RapportError.conflict("the lead pipeline has no won stage to convert into") }
            if let refusal = try await self.moves.obstacles(lead, to: won.id, reasonID: nil, db).refusal {
                throw RapportError.moveRefused(refusal)
            }
            let allowDuplicates = input.allowDuplicates ?? false
            let deals = DealService(env: self.env)
            var v = Validator()
            if let company = input.companyID, !(try await DealKind.readableClient(.company, company, principal, db)) {
                v.add("company_id", "not_found", "no company with id \(company)")
            }
            if let contact = input.contactID, !(try await DealKind.readableClient(.contact, contact, principal, db)) {
                v.add("contact_id", "not_found", "no contact with id \(contact)")
            }
            try v.throwIfInvalid()
            var companyID = input.companyID
            if companyID == nil, let name = lead.companyName, !(input.withoutCompany ?? false) {
                let company = try await CompanyService(env: self.env).create(
                    CompanyInput(shortName: name, advertisingSource: lead.source, ownerID: lead.ownerID),
                    allowDuplicates: allowDuplicates, by: principal, on: db)
                companyID = company.id
            }
            let contactID: Int64
            if let existing = input.contactID {
                contactID = existing
            } else {
                // A lead known only by its title gives the contact that as a name.
                let hasName = lead.firstName != nil || lead.lastName != nil
                let card = try await ContactService(env: self.env).create(
                    ContactInput(firstName: hasName ? (lead.firstName ?? "") : lead.title, middleName: lead.middleName,
                                 lastName: lead.lastName, channels: lead.channels, ownerID: lead.ownerID,
                                 companies: companyID.map { [ContactInput.LinkInput(companyID: $0)] }),
                    allowDuplicates: allowDuplicates, by: principal, on: db)
                contactID = card.contact.id
            }
            var dealInput = input.deal ?? DealInput()
            dealInput.title = dealInput.title ?? lead.title
            dealInput.companyID = dealInput.companyID ?? companyID
            dealInput.contactID = dealInput.contactID ?? contactID
            dealInput.ownerID = dealInput.ownerID ?? lead.ownerID
            dealInput.currency = dealInput.currency ?? lead.currency
            if dealInput.amount == nil, dealInput.lineItems == nil, let amount = lead.amount {
                dealInput.amount = MoneyText(MinorUnits.text(amount, digits: MinorUnits.digits(lead.currency)))
            }
            if dealInput.preliminaryAmount == nil, let preliminary = lead.preliminaryAmount {
                dealInput.preliminaryAmount = MoneyText(MinorUnits.text(preliminary, digits: MinorUnits.digits(lead.currency)))
            }
            var deal: Deal
            do {
                deal = try await deals.insert(dealInput, leadID: lead.id, by: principal, now: now, db)
            } catch RapportError.validation(let errors) {
                throw RapportError.validation(errors.map { FieldError(field: "deal.\($0.field)", code: $0.code, message: $0.message) })
            }
            if dealInput.lineItems == nil, try await LineItemStore().count(.lead, recordID: lead.id, on: db) > 0 {
                try await LineItemStore().copy(from: .lead, lead.id, to: .deal, deal.id, on: db)
            }
            lead.conversion = Lead.Conversion(contactID: contactID, companyID: companyID, dealID: deal.id, at: now)
            lead.updatedAt = now
            guard let version = try await self.records.kind.update(lead, expectedVersion: lead.version, on: db) else {
                throw RapportError.stale(currentVersion: lead.version)
            }
            lead.version = version
            try await self.events.record("lead", lead.id, .updated, changes: [
                FieldChange(field: "converted", old: nil, new: "deal \(deal.id), contact \(contactID)"
                    + (companyID.map { ", company \($0)" } ?? "")),
            ], by: principal.userID, on: db)
            lead = try await self.moves.enter(lead, won, of: pipeline, reasonID: nil, by: principal.userID, now: now, db)
            deal.version = try await DealStore().find(id: deal.id, on: db)?.version ?? deal.version
            return LeadConversionResult(lead: lead, contactID: contactID, companyID: companyID, deal: deal)
        }
    }
}
