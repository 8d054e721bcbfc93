import Foundation

/// Collects field errors while a use case checks its input, then throws them all at once,
/// so a form shows every problem in one round trip.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ code: String, _ message: String) {
        errors.append(FieldError(field: field, code: code, message: message))
    }

    /// Requires a non-blank string no longer than `maxLength`; returns it trimmed.
    @discardableResult
    public mutating func requireText(_ value: String?, field: String, maxLength: Int = 200) -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            add(field, "required", "\(field) is required")
        } else if trimmed.count > maxLength {
            add(field, "too_long", "\(field) must be at most \(maxLength) characters")
        }
        return trimmed
    }

    /// An optional string: trimmed, empty becomes nil, length checked.
    public mutating func optionalText(_ value: String?, field: String, maxLength: Int = 200) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        if trimmed.count > maxLength {
            add(field, "too_long", "\(field) must be at most \(maxLength) characters")
        }
        return trimmed
    }

    public mutating func check(_ condition: Bool, _ field: String, _ code: String, _ message: String) {
        if !condition { add(field, code, message) }
    }

    /// Throws `RapportError.validation` when any error was collected.
    public func throwIfInvalid() throws {
        if !errors.isEmpty { throw RapportError.validation(errors) }
    }
}
