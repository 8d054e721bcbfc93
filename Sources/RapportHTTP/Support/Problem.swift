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

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors
        case currentVersion = "current_version"
    }
}
