import Foundation

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
        alike(Profile(a), Profile(b))
    }

    /// `alike` for names already cut into trigrams (a duplicate check compares one name with
    /// fifty candidates: its own trigrams are made once).
    public static func alike(_ a: Profile, _ b: Profile) -> Bool {
        if a.digits != b.digits { return false }
        if similarity(a, b) >= duplicateThreshold { return true }
        let shorter = min(a.letters.count, b.letters.count)
        guard shorter >= 5 else { return false }
        return distance(a.letters, b.letters, limit: shorter >= 10 ? 2 : 1) != nil
    }

    /// A name as the comparisons need it: its trigrams as sorted distinct numbers (three
    /// characters packed in one, so no string is made per piece — making them as strings was
    /// a third of an import's time), its digits and its characters as numbers (`code`:
    /// comparing `Character`s, which normalises them, was most of an import's own work).
    public struct Profile: Sendable {
        let grams: [UInt64]
        let digits: String
        let letters: [UInt64]

        public init(_ text: String) {
            var grams: [UInt64] = []
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
                var first = Profile.code(" "), second = Profile.code(" ")
                for character in word {
                    let third = Profile.code(character)
                    grams.append(first << 42 | second << 21 | third)
                    (first, second) = (second, third)
                }
                grams.append(first << 42 | second << 21 | Profile.code(" "))
            }
            grams.sort()
            var distinct: [UInt64] = []
            distinct.reserveCapacity(grams.count)
            for gram in grams where gram != distinct.last { distinct.append(gram) }
            self.grams = distinct
            self.digits = text.filter(\.isNumber)
            self.letters = text.map(Profile.code)
        }

        /// A character in 21 bits: its Unicode scalar, or (for a character of several
        /// scalars) that of its composed form ("и" + breve is "й", as Swift compares them),
        /// else a hash of its scalars above the scalars' range.
        static func code(_ character: Character) -> UInt64 {
            var scalars = character.unicodeScalars
            if scalars.count == 1, let scalar = scalars.first { return UInt64(scalar.value) }
            scalars = String(character).precomposedStringWithCanonicalMapping.unicodeScalars
            if scalars.count == 1, let scalar = scalars.first { return UInt64(scalar.value) }
            var hasher = Hasher()
            for scalar in scalars { hasher.combine(scalar.value) }
            return 0x11_0000 | (UInt64(UInt(bitPattern: hasher.finalize())) & 0xF_FFFF)
        }
    }

    /// The optimal-string-alignment distance (insertions, deletions, substitutions, adjacent
    /// swaps), or nil when it is above `limit`.
    public static func distance(_ a: String, _ b: String, limit: Int) -> Int? {
        distance(a.map(Profile.code), b.map(Profile.code), limit: limit)
    }

    static func distance(_ x: [UInt64], _ y: [UInt64], limit: Int) -> Int? {
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

    /// The trigrams as text (what `Profile` packs into numbers), for reading and tests.
    public static func of(_ text: String) -> Set<String> {
        var result = Set<String>()
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let padded = Array("  " + word + " ")
            for index in 0..<(padded.count - 2) { result.insert(String(padded[index..<index + 3])) }
        }
        return result
    }

    public static func similarity(_ a: String, _ b: String) -> Double {
        similarity(Profile(a), Profile(b))
    }

    /// Shared trigrams ÷ all distinct ones, counted by walking both sorted lists once.
    static func similarity(_ a: Profile, _ b: Profile) -> Double {
        let left = a.grams, right = b.grams
        guard !left.isEmpty || !right.isEmpty else { return 0 }
        var shared = 0, i = 0, j = 0
        while i < left.count && j < right.count {
            if left[i] == right[j] {
                shared += 1; i += 1; j += 1
            } else if left[i] < right[j] {
                i += 1
            } else {
                j += 1
            }
        }
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
