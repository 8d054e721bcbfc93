import Foundation

/// One import of companies or contacts from a file: uploaded (draft), mapped, then run as a
/// background job that records how far it got with every batch, so a restart continues it.
public struct ClientImport: Equatable, Sendable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case draft, queued, running, done, failed
    }

    /// What to do with a row that looks like an existing client.
    public enum DuplicatePolicy: String, Codable, Sendable, CaseIterable {
        /// Leave it out (listed in the report).
        case skip
        /// Fill the existing client with the row's non-empty values.
        case update
        /// Create the row anyway.
        case create
    }

    /// How a row ended, for the report.
    public enum Outcome: String, Codable, Sendable {
        case created, updated, skipped, rejected
    }

    public var id: Int64
    public var entity: String
    public var fileName: String
    public var storageName: String
    public var format: String
    /// The header row.
    public var columns: [String]
    public var totalRows: Int
    /// Column index → target (`short_name`, `phones`, `cf.budget`, …); unmapped columns are ignored.
    public var mapping: [Int: String]
    public var duplicatePolicy: DuplicatePolicy
    public var state: State
    public var processed: Int
    public var created: Int
    public var updated: Int
    public var skipped: Int
    public var rejected: Int
    public var jobID: Int64?
    public var error: String?
    public var createdBy: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64 = 0, entity: String, fileName: String, storageName: String, format: String, columns: [String],
                totalRows: Int, mapping: [Int: String] = [:], duplicatePolicy: DuplicatePolicy = .skip,
                state: State = .draft, processed: Int = 0, created: Int = 0, updated: Int = 0, skipped: Int = 0,
                rejected: Int = 0, jobID: Int64? = nil, error: String? = nil, createdBy: Int64, createdAt: Date,
                updatedAt: Date) {
        self.id = id; self.entity = entity; self.fileName = fileName; self.storageName = storageName
        self.format = format; self.columns = columns; self.totalRows = totalRows; self.mapping = mapping
        self.duplicatePolicy = duplicatePolicy; self.state = state; self.processed = processed; self.created = created
        self.updated = updated; self.skipped = skipped; self.rejected = rejected; self.jobID = jobID; self.error = error
        self.createdBy = createdBy; self.createdAt = createdAt; self.updatedAt = updatedAt
    }

    /// A key for "a file with these columns", to offer the mapping used last time.
    public var columnsKey: String { columns.map(ImportTargets.normalize).joined(separator: "|") }
}
