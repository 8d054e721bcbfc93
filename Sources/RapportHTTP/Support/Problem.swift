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
    /// What stands in the way of a move, on a 422 from a stage's gate.
    var obstacles: [MoveObstacleDTO]?

    struct Duplicate: Encodable {
        var entity: String
        var id: Int64
        var name: String
        var reasons: [String]
    }

    enum CodingKeys: String, CodingKey {
        case type, title, status, detail, errors, duplicates, obstacles
        case currentVersion = "current_version"
    }
}

/// One obstacle of a refused move: `missing_field` (with the field and its label),
/// `unmet_condition` (the part of the stage's condition that fails, as written),
/// `skips_stages` (strict mode; the stages skipped), `not_in_pipeline`, `reason_required`.
struct MoveObstacleDTO: Encodable {
    var kind: String
    var field: String?
    var label: String?
    var condition: String?
    var stageIDs: [Int64]?

    enum CodingKeys: String, CodingKey {
        case kind, field, label, condition
        case stageIDs = "stage_ids"
    }

    static func list(_ refusal: MoveRefusal, locale: AppLocale) -> [MoveObstacleDTO] {
        refusal.obstacles.map { obstacle in
            switch obstacle {
            case .missingField(let field):
                MoveObstacleDTO(kind: "missing_field", field: field,
                                label: PipelineFieldLabels.label(field, locale, custom: refusal.customLabels))
            case .unmet(let condition): MoveObstacleDTO(kind: "unmet_condition", condition: condition.text)
            case .skipsStages(let ids): MoveObstacleDTO(kind: "skips_stages", stageIDs: ids)
            case .notInPipeline: MoveObstacleDTO(kind: "not_in_pipeline")
            case .conditionUnreadable(let text): MoveObstacleDTO(kind: "condition_unreadable", condition: text)
            case .reasonRequired: MoveObstacleDTO(kind: "reason_required", field: "reason_id")
            }
        }
    }
}
