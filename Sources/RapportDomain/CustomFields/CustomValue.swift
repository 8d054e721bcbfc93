import Foundation

/// A custom field's value as a record stores it, in one JSON object per record:
/// text, dates and choice codes as strings; money (minor units), date-times (milliseconds),
/// user and record ids as integers; numbers as numbers; yes/no as booleans; many-of lists
/// as arrays of codes.
public enum CustomValue: Equatable, Sendable, Codable {
    case text(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case list([String])

    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        // A stored value is one of five JSON shapes; each failed attempt just means "not this shape".
        if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(Int64.self) { self = .integer(value) }
        else if let value = try? single.decode(Double.self) { self = .number(value) }
        else if let value = try? single.decode(String.self) { self = .text(value) }
        else { self = .list(try single.decode([String].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .text(let value): try single.encode(value)
        case .integer(let value): try single.encode(value)
        case .number(let value): try single.encode(value)
        case .bool(let value): try single.encode(value)
        case .list(let value): try single.encode(value)
        }
    }

    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value) where value.rounded() == value && abs(value) < 9e15: Int64(value)
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    public var textValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    public var listValue: [String]? {
        if case .list(let value) = self { return value }
        return nil
    }
}

/// Custom values of one record by field code.
public typealias CustomValues = [String: CustomValue]

/// A value as a person or a client sends it for a custom field: JSON from the API, text from
/// a form or an imported cell. `null` (or empty text) clears the field.
public enum CustomInput: Equatable, Sendable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case text(String)
    case list([CustomInput])

    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        // Each failed attempt means "not this shape"; none fitting is the error below.
        if single.decodeNil() { self = .null }
        else if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(Double.self) { self = .number(value) }
        else if let value = try? single.decode(String.self) { self = .text(value) }
        else if let value = try? single.decode([CustomInput].self) { self = .list(value) }
        else {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "a custom value must be text, a number, true/false, a list or null")
        }
    }

    /// Empty text and empty lists clear a field, like null.
    var isEmpty: Bool {
        switch self {
        case .null: true
        case .text(let text): text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .list(let items): items.allSatisfy(\.isEmpty)
        default: false
        }
    }
}
