import Foundation

/// IANA time-zone names.
public enum TimeZoneName {
    /// True when `name` is a known IANA zone such as `Europe/Moscow` or `UTC`.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && TimeZone(identifier: name) != nil
    }
}
