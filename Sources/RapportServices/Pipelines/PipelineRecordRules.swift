import Foundation
import RapportDomain
import RapportStore
import SQLKit

/// The rules leads and deals share: money and line items as they are sent, the responsible
/// given, their history's changes, where a new record starts.
enum PipelineRecordRules {
    /// An amount in the currency's minor units; nil for an empty text.
    static func money(_ input: MoneyText?, currency: String, field: String, _ v: inout Validator) -> Int64?? {
        guard let input else { return .none }
        let text = input.text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return .some(nil) }
        guard let minor = MinorUnits.parse(text, digits: MinorUnits.digits(currency)), minor >= 0 else {
            v.add(field, "invalid", "\(field) must be an amount of 0 or more, such as 150000.50")
            return .none
        }
        return .some(minor)
    }

    static func currency(_ code: String?, _ v: inout Validator) -> String? {
        guard let code else { return nil }
        let upper = code.trimmingCharacters(in: .whitespaces).uppercased()
        guard Currency.isValid(upper) else {
            v.add("currency", "invalid", "currency must be an ISO 4217 code such as RUB")
            return nil
        }
        return upper
    }

    static let maxLineItems = 500

    /// The lines as sent, each mistake named `line_items[i].field`.
    static func lineItems(_ inputs: [LineItemInput], currency: String, _ v: inout Validator) -> [LineItem] {
        if inputs.count > maxLineItems { v.add("line_items", "too_long", "at most \(maxLineItems) line items") }
        var items: [LineItem] = []
        for (index, input) in inputs.prefix(maxLineItems).enumerated() {
            let field = "line_items[\(index)]"
            func decimal(_ text: MoneyText?, _ name: String) -> Decimal? {
                guard let text = text?.text.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                guard let value = Decimal(string: MinorUnits.decimal(text), locale: Locale(identifier: "en_US_POSIX")) else {
                    v.add("\(field).\(name)", "invalid", "\(name) must be a number")
                    return nil
                }
                return value
            }
            var price: Int64 = 0
            if let text = input.price?.text, !text.trimmingCharacters(in: .whitespaces).isEmpty {
                if let minor = MinorUnits.parse(text, digits: MinorUnits.digits(currency)) { price = minor } else {
                    v.add("\(field).price", "invalid", "price must be an amount such as 1500.00")
                }
            } else {
                v.add("\(field).price", "required", "price is required")
            }
            let item = LineItem(name: input.name?.trimmingCharacters(in: .whitespaces) ?? "",
                                quantity: decimal(input.quantity, "quantity") ?? 1,
                                unit: input.unit.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : String($0.prefix(20)) },
                                price: price, discountPercent: decimal(input.discountPercent, "discount_percent"),
                                taxPercent: decimal(input.taxPercent, "tax_percent"), taxIncluded: input.taxIncluded ?? true)
            item.check(field: field, into: &v)
            if item.name.count > 300 { v.add("\(field).name", "too_long", "name must be at most 300 characters") }
            items.append(item)
        }
        return items
    }

    /// The responsible given: must be an active user; the principal must be allowed to give
    /// them records of this kind (`action` is create or update).
    static func requireOwner(_ ownerID: Int64, _ entity: PipelineEntity, _ action: PermissionAction, _ principal: Principal?,
                             _ db: any SQLDatabase) async throws {
        let ownership = try await Responsible.ownership(ownerID, on: db)
        if let principal { try Access.require(principal, action, entity.permission, record: ownership) }
    }

    /// Field changes between two versions as the history shows them.
    static func changes(_ before: [(String, String?)], _ after: [(String, String?)]) -> [FieldChange] {
        let old = Dictionary(before, uniquingKeysWith: { a, _ in a })
        return after.compactMap { field, new in
            let previous = old[field] ?? nil
            return previous == new ? nil : FieldChange(field: field, old: previous, new: new)
        }
    }

    static func customHistory(_ values: CustomValues) -> [(String, String?)] {
        values.sorted { $0.key < $1.key }.map { ("custom.\($0.key)", JSONText.encode($0.value)) }
    }

    /// Where a new record starts: the given stage (of the given pipeline), or the first stage
    /// of the given pipeline, or of the entity's first pipeline.
    static func startingPlace(_ entity: PipelineEntity, _ pipelineID: Int64?, _ stageID: Int64?, cache: PipelineCache,
                              _ db: any SQLDatabase, _ v: inout Validator) async throws -> (Pipeline, Stage) {
        var pipeline: Pipeline?
        if let stageID {
            pipeline = try await cache.settings(stageID: stageID, on: db)?.pipeline
            if pipeline?.entity != entity || (pipelineID != nil && pipeline?.id != pipelineID) {
                v.add("stage_id", "not_found", "no stage \(stageID) in this \(entity.rawValue) pipeline")
            }
        } else if let pipelineID {
            pipeline = try await cache.settings(pipelineID: pipelineID, on: db)?.pipeline
            if pipeline?.entity != entity { v.add("pipeline_id", "not_found", "no \(entity.rawValue) pipeline with id \(pipelineID)") }
        } else {
            if let first = try await PipelineStore().firstID(entity: entity, on: db) {
                pipeline = try await cache.settings(pipelineID: first, on: db)?.pipeline
            }
            if pipeline == nil { v.add("pipeline_id", "required", "there is no \(entity.rawValue) pipeline yet; set one up first") }
        }
        guard let pipeline, pipeline.entity == entity, let stage = stageID.flatMap(pipeline.stage) ?? pipeline.firstStage else {
            if pipeline != nil, pipeline?.entity == entity, stageID == nil {
                v.add("pipeline_id", "no_stages", "the pipeline has no open stage")
            }
            try v.throwIfInvalid()
            throw RapportError.invalid("stage_id", "not_found", "no such stage")
        }
        return (pipeline, stage)
    }
}
