import Foundation

/// What a stage's condition is judged against: the record's fields (by the codes the language
/// uses; a field without a value is left out) and what happened to the record.
public struct GateFacts: Sendable, Equatable {
    public var fields: [String: GateValue]
    /// The templates of the documents sent from the record.
    public var sentTemplates: Set<String>
    /// Whether every task created on entry to the record's current stage is done.
    public var stageTasksDone: Bool
    /// Whether the moment judged is working time in the company's calendar.
    public var workingTime: Bool

    public init(fields: [String: GateValue] = [:], sentTemplates: Set<String> = [], stageTasksDone: Bool = false,
                workingTime: Bool = false) {
        self.fields = fields
        self.sentTemplates = sentTemplates
        self.stageTasksDone = stageTasksDone
        self.workingTime = workingTime
    }

    /// The field's value; nil when it has none (an empty text or list counts as none).
    func value(_ field: String) -> GateValue? {
        switch fields[field] {
        case .text(let text)? where text.trimmingCharacters(in: .whitespaces).isEmpty: nil
        case .list(let items)? where items.isEmpty: nil
        case let value: value
        }
    }
}

extension GateCondition {
    public func holds(for facts: GateFacts) -> Bool {
        switch self {
        case .compare(let field, let comparison, let expected):
            guard let actual = facts.value(field) else { return false }
            if case .list(let items) = actual {
                // A field of several values meets `=` when one of them does, `!=` when none does.
                if comparison == .notEqual { return !items.contains { Self.compare($0, .equal, expected) } }
                return items.contains { Self.compare($0, comparison, expected) }
            }
            return Self.compare(actual, comparison, expected)
        case .has(let field): return facts.value(field) != nil
        case .documentSent(let template):
            return facts.sentTemplates.contains { $0.lowercased() == template.lowercased() }
        case .stageTasksDone: return facts.stageTasksDone
        case .workingTime: return facts.workingTime
        case .not(let inner): return !inner.holds(for: facts)
        case .all(let parts): return parts.allSatisfy { $0.holds(for: facts) }
        case .any(let parts): return parts.contains { $0.holds(for: facts) }
        }
    }

    /// What fails, as exactly as it can be said: of parts joined by `and`, each failing part
    /// (and so on inside it); any other failing condition as a whole. Empty when it holds.
    public func unmet(for facts: GateFacts) -> [GateCondition] {
        guard !holds(for: facts) else { return [] }
        if case .all(let parts) = self { return parts.flatMap { $0.unmet(for: facts) } }
        return [self]
    }

    static func compare(_ actual: GateValue, _ comparison: GateComparison, _ expected: GateValue) -> Bool {
        let order: ComparisonResult
        switch (actual, expected) {
        case (.number(let left), .number(let right)):
            order = left == right ? .orderedSame : (left < right ? .orderedAscending : .orderedDescending)
        case (.text(let left), .text(let right)):
            order = left.lowercased() == right.lowercased() ? .orderedSame
                : (left.lowercased() < right.lowercased() ? .orderedAscending : .orderedDescending)
        case (.bool(let left), .bool(let right)):
            guard comparison == .equal || comparison == .notEqual else { return false }
            order = left == right ? .orderedSame : .orderedAscending
        default:
            return false
        }
        switch comparison {
        case .equal: return order == .orderedSame
        case .notEqual: return order != .orderedSame
        case .less: return order == .orderedAscending
        case .lessOrEqual: return order != .orderedDescending
        case .greater: return order == .orderedDescending
        case .greaterOrEqual: return order != .orderedAscending
        }
    }
}
