/// A name key and the keys one letter shorter (each letter in turn left out): two names one
/// typo apart — a letter missing, extra, wrong, or two swapped — share one of these, so names
/// within a typo are found by looking the variants up (the "deletion neighbourhood"). Letters
/// are Unicode scalars, as SQL's `substr` counts them, so the database makes the same
/// variants (migration 22). `Trigrams.alike` decides among what they find.
public enum NameVariants {
    /// Shorter keys have no variants: names under five letters are alike only when equal.
    public static let minimumLength = 5

    public static func of(_ key: String) -> Set<String> {
        let scalars = Array(key.unicodeScalars)
        guard scalars.count >= minimumLength else { return [] }
        var variants: Set<String> = [key]
        for index in scalars.indices {
            var shorter = String.UnicodeScalarView()
            shorter.append(contentsOf: scalars[..<index])
            shorter.append(contentsOf: scalars[(index + 1)...])
            variants.insert(String(shorter))
        }
        return variants
    }
}
