/// Name similarity. `similarity` is PostgreSQL's `pg_trgm` measure: each word padded with
/// two spaces in front and one behind, cut into three-character pieces; the share of pieces
/// two names have in common (shared ÷ all distinct). Both databases find candidates their
/// own way; `alike` decides, so they agree.
public enum Trigrams {
    /// Trigram similarity at which two names are likely the same ("кухни люкс" and
    /// "кухни люск" 0.57; "кухни люкс" and "кухни лайт" 0.47).
    public static let duplicateThreshold = 0.55
    /// How alike a name must be to a search (`wordSimilarity`) to be offered when the exact
    /// words find little.
    public static let searchThreshold = 0.4

    /// Likely the same name: trigram similarity of at least `duplicateThreshold`, or one
    /// typo (two in names of ten or more characters) — a letter missing, extra, wrong or two
    /// swapped ("мебельград" / "мебельгард", which trigrams alone call only 0.47 alike).
    /// Names whose numbers differ ("салон 1", "салон 2") are told apart on purpose: not alike.
    public static func alike(_ a: String, _ b: String) -> Bool {
        if a.filter(\.isNumber) != b.filter(\.isNumber) { return false }
        if similarity(a, b) >= duplicateThreshold { return true }
        let shorter = min(a.count, b.count)
        guard shorter >= 5 else { return false }
        return distance(a, b, limit: shorter >= 10 ? 2 : 1) != nil
    }

    /// The optimal-string-alignment distance (insertions, deletions, substitutions, adjacent
    /// swaps), or nil when it is above `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int) -> Int? {
        let x = Array(a), y = Array(b)
        guard abs(x.count - y.count) <= limit else { return nil }
        var before = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            current[0] = i
            var best = current[0]
            for j in stride(from: 1, through: y.count, by: 1) {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { value = min(value, before[j - 2] + 1) }
                current[j] = value
                best = min(best, value)
            }
            if best > limit { return nil }
            (before, previous, current) = (previous, current, before)
        }
        let result = x.isEmpty ? y.count : previous[y.count]
        return result <= limit ? result : nil
    }

    public static func of(_ text: String) -> Set<String> {
        var result = Set<String>()
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let padded = Array("  " + word + " ")
            for index in 0..<(padded.count - 2) { result.insert(String(padded[index..<index + 3])) }
        }
        return result
    }

    public static func similarity(_ a: String, _ b: String) -> Double {
        let left = of(a), right = of(b)
        guard !left.isEmpty || !right.isEmpty else { return 0 }
        let shared = left.intersection(right).count
        return Double(shared) / Double(left.count + right.count - shared)
    }

    /// How well `query` matches the best run of as many consecutive words of `text`, for
    /// searching typed names: the trigram similarity, or — when closer — one minus the share
    /// of characters a typo or two changed ("мебельгард" in "ооо мебельград": 0.9).
    public static func wordSimilarity(_ query: String, in text: String) -> Double {
        func words(_ text: String) -> [Substring] {
            text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        }
        let asked = words(query).joined(separator: " ")
        let wanted = words(query).count, found = words(text)
        guard wanted > 0, !found.isEmpty else { return 0 }
        let size = min(wanted, found.count)
        return (0...(found.count - size)).map { start in
            let window = found[start..<start + size].joined(separator: " ")
            let query = asked
            let edits = distance(query, window, limit: 2).map { 1 - Double($0) / Double(max(query.count, window.count)) } ?? 0
            return max(similarity(query, window), edits)
        }.max() ?? 0
    }

    /// Pieces of a name for a substring index (SQLite's FTS5 `trigram` tokenizer): the name cut
    /// in three runs of at least three characters. A name within one typo of it keeps at
    /// least two of them whole, so "any two of the three" finds it without scanning every
    /// name that merely shares a common syllable. Nil when the name is too short to cut.
    public static func runs(_ key: String) -> [String]? {
        let characters = Array(key)
        guard characters.count >= 9 else { return nil }
        let third = characters.count / 3
        return [String(characters[0..<third]), String(characters[third..<2 * third]),
                String(characters[(2 * third)...])]
    }
}
