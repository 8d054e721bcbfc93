import Foundation

/// Times are stored as integer milliseconds since 1970 UTC in both dialects: one type,
/// exact ordering, cheap indexes, and no driver-specific date decoding.
extension Date {
    public var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    public init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
