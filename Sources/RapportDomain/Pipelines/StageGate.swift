/// How strictly a pipeline keeps records to its order of stages.
public enum ControlMode: String, Sendable, CaseIterable, Codable {
    /// Forward one stage at a time, every gate applies; back to any earlier stage; lost from anywhere.
    case strict
    /// Stages may be skipped either way; the gate of the stage entered still applies.
    case manual
    /// No order and no gates: records move freely (a lost stage still wants its reason).
    case none
}

public enum StageKind: String, Sendable, CaseIterable, Codable {
    case open, won, lost
}

/// What a stage's gate needs of a record entering it (the parts of `Stage` a move is judged by).
public struct StageRule: Sendable, Equatable {
    public var stageID: Int64
    /// 0, 1, 2 … in the pipeline's order (won and lost stages after the open ones).
    public var position: Int
    public var kind: StageKind
    /// Fields that must have a value: built-in codes, `cf.<code>` for custom ones.
    public var requiredFields: [String]
    public var condition: GateCondition?
    /// The stored condition's text when it no longer reads: the stage admits nothing until fixed.
    public var unreadableCondition: String?

    public init(stageID: Int64, position: Int, kind: StageKind, requiredFields: [String] = [],
                condition: GateCondition? = nil) {
        self.stageID = stageID
        self.position = position
        self.kind = kind
        self.requiredFields = requiredFields
        self.condition = condition
    }
}

/// One thing that stands in the way of a move; a refused move lists them all, so the page can
/// open exactly the fields to fill.
public enum MoveObstacle: Sendable, Equatable {
    /// The target is not a stage of the record's pipeline.
    case notInPipeline
    /// Strict mode: stages between the current one and the target would be skipped.
    case skipsStages([Int64])
    /// A field the target stage requires has no value.
    case missingField(String)
    /// A part of the target stage's condition that does not hold.
    case unmet(GateCondition)
    /// A lost stage wants the reason the record was lost.
    case reasonRequired
    /// The stage's stored condition does not read (changed outside the settings): nothing enters.
    case conditionUnreadable(String)
}

/// The rules of moving a record between the stages of its pipeline, the same on every path
/// (page, board, API, import, automation).
public enum StageGate {
    /// What stands in the way of moving a record from `current` to `target` in a pipeline of
    /// `stages` (all of them, any order) under `mode`; empty when the move may happen.
    /// `facts` are the record's fields as the target's gate would see them after the move.
    public static func obstacles(from current: StageRule?, to target: StageRule, in stages: [StageRule],
                                 mode: ControlMode, facts: GateFacts, lostReason: String?) -> [MoveObstacle] {
        guard stages.contains(where: { $0.stageID == target.stageID }) else { return [.notInPipeline] }
        var found: [MoveObstacle] = []
        if target.kind == .lost, (lostReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            found.append(.reasonRequired)
        }
        if mode == .none || target.kind == .lost { return found }
        if mode == .strict, let current, target.position > current.position {
            // Forward: only to the next stage; a won stage only after the last open one.
            let skipped = stages.filter { $0.position > current.position && $0.position < target.position && $0.kind == .open }
                .sorted { $0.position < $1.position }.map(\.stageID)
            if !skipped.isEmpty { found.append(.skipsStages(skipped)) }
        }
        for field in target.requiredFields where facts.value(field) == nil { found.append(.missingField(field)) }
        if let condition = target.condition { found += condition.unmet(for: facts).map(MoveObstacle.unmet) }
        if let text = target.unreadableCondition { found.append(.conditionUnreadable(text)) }
        return found
    }
}

/// A move the gate refused: the stage asked for and everything in the way, with the labels of
/// the custom fields named (built-in fields are labelled by whoever shows the refusal).
public struct MoveRefusal: Equatable, Sendable {
    public var stageID: Int64
    public var obstacles: [MoveObstacle]
    /// `cf.<code>` → the field's label.
    public var customLabels: [String: String]
    /// A document template's code → its name (for `document_sent("code")`).
    public var documentNames: [String: String]

    public init(stageID: Int64, obstacles: [MoveObstacle], customLabels: [String: String] = [:],
                documentNames: [String: String] = [:]) {
        self.stageID = stageID
        self.obstacles = obstacles
        self.customLabels = customLabels
        self.documentNames = documentNames
    }

    /// The fields the record lacks, in the order the stage names them.
    public var missingFields: [String] {
        obstacles.compactMap { if case .missingField(let field) = $0 { field } else { nil } }
    }

    /// Each obstacle in people's words.
    public func descriptions(_ locale: AppLocale) -> [String] {
        obstacles.map { description(of: $0, locale) }
    }

    public func description(of obstacle: MoveObstacle, _ locale: AppLocale) -> String {
        switch obstacle {
        case .missingField(let field): PipelineFieldLabels.label(field, locale, custom: customLabels)
        case .unmet(let condition): words(condition, locale)
        case .notInPipeline: locale == .ru ? "этап другой воронки" : "a stage of another pipeline"
        case .skipsStages: locale == .ru ? "этапы нельзя пропускать" : "stages may not be skipped"
        case .reasonRequired: locale == .ru ? "причина" : "a reason"
        case .conditionUnreadable(let text):
            locale == .ru ? "условие этапа не читается, исправьте его в настройках: \(text)"
                : "the stage's condition does not read; fix it in the settings: \(text)"
        }
    }

    /// An unmet part of a condition in people's words where it has them: a field it wants, a
    /// document to send; anything else as the condition's own text.
    func words(_ condition: GateCondition, _ locale: AppLocale) -> String {
        switch condition {
        case .has(let field): return PipelineFieldLabels.label(field, locale, custom: customLabels)
        case .documentSent(let code):
            let name = documentNames[code] ?? code
            return locale == .ru ? "отправленный по e-mail документ «\(name)»" : "the document “\(name)” sent by e-mail"
        default: return condition.text
        }
    }
}
