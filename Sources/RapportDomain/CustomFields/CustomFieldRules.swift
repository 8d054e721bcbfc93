import Foundation

/// How custom values are checked and written, the same on every path (page, API, import):
/// each bad value is a field error named `custom.<code>`.
public enum CustomFieldRules {
    public static let maxTextLength = 2000
    public static let maxNumber = 1e15

    /// Applies `inputs` to a record's `values`. Unknown or archived codes are refused; a
    /// required field must be given when the record is created and cannot be cleared later.
    public static func apply(_ inputs: [String: CustomInput], to values: inout CustomValues,
                             definitions: [CustomFieldDefinition], creating: Bool, into v: inout Validator) {
        let active = Dictionary(definitions.filter { !$0.archived }.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        for code in inputs.keys.sorted() where active[code] == nil {
            v.add("custom.\(code)", "unknown_field", "custom.\(code) is not a custom field of this record")
        }
        for definition in definitions where !definition.archived {
            let field = "custom.\(definition.code)"
            guard let input = inputs[definition.code] else {
                if creating, definition.required, values[definition.code] == nil {
                    v.add(field, "required", "\(definition.label) is required")
                }
                continue
            }
            guard let parsed = value(input, for: definition, field: field, into: &v) else { continue }
            if let parsed { values[definition.code] = parsed } else if definition.required {
                v.add(field, "required", "\(definition.label) is required")
            } else {
                values.removeValue(forKey: definition.code)
            }
        }
    }

    /// One value: `.some(nil)` clears the field, nil means an error was added.
    public static func value(_ input: CustomInput, for d: CustomFieldDefinition, field: String,
                             into v: inout Validator) -> CustomValue?? {
        if input.isEmpty { return .some(nil) }
        func fail(_ code: String, _ message: String) -> CustomValue?? {
            v.add(field, code, message)
            return nil
        }
        switch d.type {
        case .text:
            guard let text = scalarText(input) else { return fail("invalid", "\(d.label) must be text") }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= maxTextLength else {
                return fail("too_long", "\(d.label) must be at most \(maxTextLength) characters")
            }
            return .text(trimmed)
        case .number:
            let number: Double? = switch input {
            case .number(let n): n
            case .text(let t): Double(MinorUnits.decimal(t))
            default: nil
            }
            guard let number, number.isFinite else { return fail("invalid", "\(d.label) must be a number") }
            guard abs(number) <= maxNumber else { return fail("out_of_range", "\(d.label) must be within ±10^15") }
            return number.rounded() == number ? .integer(Int64(number)) : .number(number)
        case .money:
            let digits = MinorUnits.digits(d.currency)
            let minor: Int64? = switch input {
            case .number(let n) where n.isFinite && abs(n) <= maxNumber: exactMinor(n, digits: digits)
            case .text(let t): MinorUnits.parse(t, digits: digits)
            default: nil
            }
            guard let minor else {
                return fail("invalid", "\(d.label) must be an amount with at most \(digits) decimals, such as 1234.50")
            }
            return .integer(minor)
        case .date:
            guard let text = scalarText(input), let date = CalendarDate(text.trimmingCharacters(in: .whitespaces)) else {
                return fail("invalid", "\(d.label) must be a date written YYYY-MM-DD")
            }
            return .text(date.description)
        case .dateTime:
            guard let text = scalarText(input), let date = ISO8601.parse(text.trimmingCharacters(in: .whitespaces)) else {
                return fail("invalid", "\(d.label) must be an ISO 8601 date-time with a zone, such as 2026-03-01T10:00:00+03:00")
            }
            return .integer(date.millis)
        case .boolean:
            switch input {
            case .bool(let b): return .bool(b)
            case .text(let t):
                switch t.trimmingCharacters(in: .whitespaces).lowercased() {
                case "true", "yes", "1", "on", "да": return .bool(true)
                case "false", "no", "0", "off", "нет": return .bool(false)
                default: break
                }
            case .number(let n) where n == 0 || n == 1: return .bool(n == 1)
            default: break
            }
            return fail("invalid", "\(d.label) must be true or false")
        case .choice:
            guard let text = scalarText(input), let option = option(text, in: d) else {
                return fail("invalid", "\(d.label) must be one of: \(d.options.map(\.code).joined(separator: ", "))")
            }
            return .text(option.code)
        case .multiChoice:
            let items: [String]? = switch input {
            case .list(let list): list.filter { !$0.isEmpty }.map(scalarText).allSatisfy { $0 != nil }
                ? list.filter { !$0.isEmpty }.compactMap(scalarText) : nil
            case .text(let text): text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            default: nil
            }
            guard let items else { return fail("invalid", "\(d.label) must be a list of options") }
            var codes: [String] = []
            for item in items {
                guard let option = option(item, in: d) else {
                    return fail("invalid", "\(item) is not an option of \(d.label); options: \(d.options.map(\.code).joined(separator: ", "))")
                }
                if !codes.contains(option.code) { codes.append(option.code) }
            }
            return .list(codes)
        case .user, .record:
            let id: Int64? = switch input {
            case .number(let n) where n.rounded() == n && n > 0 && n < 9e15: Int64(n)
            case .text(let t): Int64(t.trimmingCharacters(in: .whitespaces)).flatMap { $0 > 0 ? $0 : nil }
            default: nil
            }
            guard let id else { return fail("invalid", "\(d.label) must be the id of a \(d.type == .user ? "user" : d.linkEntity?.rawValue ?? "record")") }
            return .integer(id)
        }
    }

    /// The value as one line of text: for histories, CSV and the forms.
    /// Money `1234.50`, date-times ISO 8601 in UTC, many-of lists `a; b`.
    /// Without a definition (an archived or unknown field) the stored value as it is.
    public static func text(_ value: CustomValue, for d: CustomFieldDefinition?) -> String {
        switch (d?.type, value) {
        case (.money, _): value.integerValue.map { MinorUnits.text($0, digits: MinorUnits.digits(d?.currency)) } ?? ""
        case (.dateTime, _): value.integerValue.map { ISO8601.string(Date(millis: $0)) } ?? ""
        case (_, .text(let text)): text
        case (_, .integer(let number)): String(number)
        case (_, .number(let number)): number.rounded() == number && abs(number) < 9e15 ? String(Int64(number)) : String(number)
        case (_, .bool(let flag)): flag ? "true" : "false"
        case (_, .list(let codes)): codes.joined(separator: "; ")
        }
    }

    /// The option whose code or label (any case) is `text`.
    static func option(_ text: String, in d: CustomFieldDefinition) -> CustomFieldOption? {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        return d.options.first { $0.code == wanted }
            ?? d.options.first { $0.label.compare(wanted, options: [.caseInsensitive]) == .orderedSame }
    }

    /// A JSON number as minor units, when it has no more decimals than the currency has.
    private static func exactMinor(_ amount: Double, digits: Int) -> Int64? {
        let scaled = amount * pow(10, Double(digits))
        let rounded = scaled.rounded()
        return abs(scaled - rounded) <= 1e-6 * max(1, abs(scaled)) ? Int64(rounded) : nil
    }

    private static func scalarText(_ input: CustomInput) -> String? {
        switch input {
        case .text(let text): text
        case .number(let n): n.rounded() == n && abs(n) < 9e15 ? String(Int64(n)) : String(n)
        default: nil
        }
    }
}
