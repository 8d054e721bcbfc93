import Foundation

/// A document made from a template for a record (P8): a proposal or an invoice as a PDF among
/// the record's files, with its number (counted per template code) and date, and the template
/// version it was written from. A record may hold several (proposals after objections).
public struct Document: Equatable, Sendable {
    public var id: Int64
    public var link: WorkTask.Link
    public var templateID: Int64
    public var templateVersionID: Int64
    /// The template's code (`proposal`, `invoice`): stage conditions name it.
    public var code: String
    /// "Счёт на оплату № 17 от 30.11.2026".
    public var title: String
    public var number: Int64
    public var date: CalendarDate
    /// The PDF among the record's files.
    public var attachmentID: Int64
    public var createdBy: Int64?
    public var createdAt: Date

    public init(id: Int64 = 0, link: WorkTask.Link, templateID: Int64, templateVersionID: Int64, code: String, title: String, number: Int64,
                date: CalendarDate, attachmentID: Int64, createdBy: Int64?, createdAt: Date) {
        self.id = id
        self.link = link
        self.templateID = templateID
        self.templateVersionID = templateVersionID
        self.code = code
        self.title = title
        self.number = number
        self.date = date
        self.attachmentID = attachmentID
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}
