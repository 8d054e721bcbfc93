import Foundation
import RapportDomain

/// An RFC 9457 problem document; validation problems list every field error.
struct Problem: Encodable {
    var type: String
    var title: String
    var status: Int
    var detail: String?
    var errors: [FieldError]?
    /// The record's current version, on a 412.
    var currentVersion: Int64?
    /// Existing records a new one looks like, on a 409 from duplicate control.
    var duplicates: [Duplicate]?

    struct Duplicate: Encodable {
        var entity: String
        var id: Int64
        var name: String
        var reasons: [String]
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors, duplicates
        case currentVersion = "current_version"
    }
}
