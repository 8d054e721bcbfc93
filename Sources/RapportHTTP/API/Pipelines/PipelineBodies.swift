import Foundation
import RapportDomain
import RapportServices
import RapportStore

extension LeadInput: StrictInput { typealias Keys = CodingKeys }
extension DealInput: StrictInput { typealias Keys = CodingKeys }
extension StageInput: StrictInput { typealias Keys = CodingKeys }
extension LeadConversionInput: StrictInput { typealias Keys = CodingKeys }

/// `POST /api/v1/pipelines` and `PATCH /api/v1/pipelines/{id}` (stages only when creating).
struct PipelineBody: StrictInput {
    var entity: String?
    var name: String?
    var mode: String?
    var position: Int?
    var stages: [StageInput]?

    enum CodingKeys: String, CodingKey, CaseIterable { case entity, name, mode, position, stages }
    typealias Keys = CodingKeys

    var input: PipelineInput { PipelineInput(entity: entity, name: name, mode: mode, position: position) }
}

/// `POST /api/v1/leads/{id}/final-price` and the deals' twin: the price after the measurement.
struct FinalPriceBody: StrictInput {
    var amount: MoneyText?

    enum CodingKeys: String, CodingKey, CaseIterable { case amount }
    typealias Keys = CodingKeys
}

/// `POST /api/v1/leads/{id}/move` and the deals' twin: the stage, a close reason for a lost
/// stage, and the fields the gate asked for, saved with the move.
struct MoveBody<Changes: Decodable & Sendable & Equatable>: StrictInput {
    var stageID: Int64?
    var reasonID: Int64?
    var changes: Changes?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case changes, stageID = "stage_id", reasonID = "reason_id"
    }
    typealias Keys = CodingKeys

    func requireStage() throws -> Int64 {
        guard let stageID else { throw RapportError.invalid("stage_id", "required", "stage_id is required") }
        return stageID
    }
}

/// `POST /api/v1/close-reasons`, `PATCH /api/v1/close-reasons/{id}`.
struct CloseReasonBody: StrictInput {
    var entity: String?
    var label: String?
    var archived: Bool?

    enum CodingKeys: String, CodingKey, CaseIterable { case entity, label, archived }
    typealias Keys = CodingKeys
}

extension QueryReader {
    /// The list and board filters of leads and deals.
    func pipelineRecordQuery() throws -> PipelineRecordQuery {
        PipelineRecordQuery(pipelineID: try int64("pipeline_id"), stageID: try int64("stage_id"), ownerID: try int64("owner_id"),
                            source: try string("source", maxLength: 100), text: try string("q", maxLength: 200),
                            openOnly: try bool("open") ?? false)
    }
}
