import RapportDomain

/// A client record the caller has just been allowed to read (it came from
/// `CompanyService.get` or `ContactService.get`). A card hands it to the sections it shows —
/// files, relationships, history — so that each does not ask the database the same question
/// again; on PostgreSQL every statement of a page costs a round of parsing and planning.
public struct ReadableRecord: Sendable, Hashable {
    public let entity: PermissionEntity
    public let id: Int64

    public init(_ company: Company) {
        entity = .company
        id = company.id
    }

    public init(_ contact: Contact) {
        entity = .contact
        id = contact.id
    }

    /// A lead or deal (from `LeadService.get` or `DealService.get`).
    public init(_ record: some PipelineRecord) {
        entity = type(of: record).entity.permission
        id = record.id
    }
}
