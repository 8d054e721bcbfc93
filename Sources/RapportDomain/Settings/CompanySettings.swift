import Foundation

/// Company-wide settings: how the company is named, where it lives, what it counts in.
public struct CompanySettings: Equatable, Sendable {
    public var name: String
    public var timeZone: String
    /// ISO 4217 code.
    public var currency: String
    public var locale: AppLocale
    /// The legal details and pictures its documents carry.
    public var requisites = CompanyRequisites()
    public var updatedAt: Date
    public var version: Int64

    public init(name: String, timeZone: String, currency: String, locale: AppLocale, updatedAt: Date, version: Int64) {
        self.name = name; self.timeZone = timeZone; self.currency = currency; self.locale = locale
        self.updatedAt = updatedAt; self.version = version
    }
}
