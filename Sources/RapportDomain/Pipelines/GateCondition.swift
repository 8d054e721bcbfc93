import Foundation

/// A stage's entry condition: what must be true of a record (and of what happened to it) before
/// it may enter the stage. An administrator writes it in the stage's settings in a small
/// language:
///
///     has(email) and document_sent("Proposal")
///     amount > 0 and (client_type = "dealer" or cf.discount <= 10)
///     stage_tasks_done() and not has(cf.refusal_reason)
///
/// - `field op value` — `op` is one of `=` `!=` `<` `<=` `>` `>=`; `field` a built-in field's
///   code or `cf.<code>` for a custom one; `value` a number (`1500.50`), a text in double
///   quotes (`"dealer"`, `\"` and `\\` inside) or `true` / `false`. Texts compare ignoring
///   case; a field without a value meets no comparison.
/// - `has(field)` — the field has a value (a list: at least one item).
/// - `document_sent("template")` — a document made from that template was sent from the record.
/// - `stage_tasks_done()` — every task created on entry to the record's stage is done.
/// - `not`, `and`, `or` (in that order of binding) and parentheses.
///
/// Words are matched ignoring case. `GateCondition.parse` refuses anything else with the
/// position of the first thing it could not read.
public indirect enum GateCondition: Equatable, Sendable {
    case compare(field: String, GateComparison, GateValue)
    case has(field: String)
    case documentSent(template: String)
    case stageTasksDone
    /// Now is working time in the company's calendar (routing rules: "in working hours").
    case workingTime
    case not(GateCondition)
    case all([GateCondition])
    case any([GateCondition])

    /// The fields the condition reads (so a gate that names a deleted field can be found).
    public var fields: Set<String> {
        switch self {
        case .compare(let field, _, _), .has(let field): [field]
        case .documentSent, .stageTasksDone, .workingTime: []
        case .not(let inner): inner.fields
        case .all(let parts), .any(let parts): parts.reduce(into: Set<String>()) { $0.formUnion($1.fields) }
        }
    }

    /// The condition as the language writes it (parsing the text gives the condition back).
    public var text: String {
        switch self {
        case .compare(let field, let op, let value): "\(field) \(op.rawValue) \(value.text)"
        case .has(let field): "has(\(field))"
        case .documentSent(let template): "document_sent(\(GateValue.text(template).text))"
        case .stageTasksDone: "stage_tasks_done()"
        case .workingTime: "working_time()"
        case .not(let inner): "not \(inner.isAtom ? inner.text : "(\(inner.text))")"
        case .all(let parts): parts.map { if case .any = $0 { "(\($0.text))" } else { $0.text } }.joined(separator: " and ")
        case .any(let parts): parts.map(\.text).joined(separator: " or ")
        }
    }

    /// Whether judging it needs to know if the stage's tasks are done.
    public var readsStageTasks: Bool {
        switch self {
        case .stageTasksDone: true
        case .compare, .has, .documentSent, .workingTime: false
        case .not(let inner): inner.readsStageTasks
        case .all(let parts), .any(let parts): parts.contains { $0.readsStageTasks }
        }
    }

    /// Whether judging it needs to know if now is working time.
    public var readsWorkingTime: Bool {
        switch self {
        case .workingTime: true
        case .compare, .has, .documentSent, .stageTasksDone: false
        case .not(let inner): inner.readsWorkingTime
        case .all(let parts), .any(let parts): parts.contains { $0.readsWorkingTime }
        }
    }

    /// Whether judging it needs the codes of the documents sent from the record.
    public var readsSentDocuments: Bool {
        switch self {
        case .documentSent: true
        case .compare, .has, .stageTasksDone, .workingTime: false
        case .not(let inner): inner.readsSentDocuments
        case .all(let parts), .any(let parts): parts.contains { $0.readsSentDocuments }
        }
    }

    var isAtom: Bool {
        switch self {
        case .compare, .has, .documentSent, .stageTasksDone, .workingTime: true
        case .not, .all, .any: false
        }
    }
}

public enum GateComparison: String, Sendable, CaseIterable {
    case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// A value a condition compares with, or a record's field holds.
public enum GateValue: Equatable, Sendable {
    case number(Decimal)
    case text(String)
    case bool(Bool)
    /// A field of several values (a many-of list, a record's e-mails).
    case list([GateValue])

    /// The value as the language writes it.
    public var text: String {
        switch self {
        case .number(let number): "\(number)"
        case .text(let text): "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .bool(let flag): flag ? "true" : "false"
        case .list(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        }
    }
}
