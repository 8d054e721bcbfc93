/// The line rule vCard (RFC 6350) and iCalendar (RFC 5545) share.
public enum ContentLine {
    /// Folds a line longer than 75 octets onto lines that start with a space, never inside a
    /// UTF-8 character.
    public static func fold(_ line: String) -> String {
        var out = "", count = 0
        for character in line {
            let size = String(character).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(character)
            count += size
        }
        return out
    }

    /// A text value with backslash, semicolon, comma and line breaks escaped (RFC 6350 §3.4,
    /// RFC 5545 §3.3.11).
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r\n", "\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
