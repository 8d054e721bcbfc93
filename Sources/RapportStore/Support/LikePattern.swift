/// LIKE patterns whose text matches literally (`ESCAPE '\'`): a search for `50%` or `a_b`
/// finds those characters, not any.
enum LikePattern {
    static func escaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    static func prefix(_ text: String) -> String { escaped(text) + "%" }

    static func containing(_ text: String) -> String { "%" + escaped(text) + "%" }
}
