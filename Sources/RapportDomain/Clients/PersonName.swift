/// A person's name as it was heard or written in one line, split into its parts.
public struct PersonName: Equatable, Sendable {
    public var first: String
    public var middle: String?
    public var last: String?

    public init(first: String, middle: String? = nil, last: String? = nil) {
        self.first = first; self.middle = middle; self.last = last
    }

    /// "Anna" → first; "Anna Smith" or "Иван Петров" → first and last; three words ending in a
    /// patronymic ("Петров Иван Сергеевич") → last, first, middle; any other three or more
    /// words → first, middle…, last.
    public static func split(_ text: String) -> PersonName {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        switch words.count {
        case 0: return PersonName(first: "")
        case 1: return PersonName(first: words[0])
        case 2: return PersonName(first: words[0], last: words[1])
        default:
            let patronymicEndings = ["вич", "вна", "чна", "ична", "инична", "оглы", "кызы"]
            if words.count == 3, patronymicEndings.contains(where: { words[2].lowercased().hasSuffix($0) }) {
                return PersonName(first: words[1], middle: words[2], last: words[0])
            }
            return PersonName(first: words[0], middle: words[1..<(words.count - 1)].joined(separator: " "), last: words.last)
        }
    }
}
