/// A tie between two companies (parent, subsidiary, partner, competitor) or two people
/// (knows, family, colleague), with a note; shown on both cards.
public struct Relationship: Equatable, Sendable {
    public var id: Int64
    /// `company` or `contact`: both ends are of this kind.
    public var entity: String
    public var fromID: Int64
    public var toID: Int64
    public var kind: String
    public var note: String?

    public init(id: Int64 = 0, entity: String, fromID: Int64, toID: Int64, kind: String, note: String? = nil) {
        self.id = id; self.entity = entity; self.fromID = fromID; self.toID = toID; self.kind = kind; self.note = note
    }

    /// The kinds a tie may have, per entity.
    public static func kinds(for entity: String) -> [String] {
        entity == "company" ? ["parent", "subsidiary", "partner", "competitor", "other"]
            : ["knows", "family", "colleague", "other"]
    }
}
