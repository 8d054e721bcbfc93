import Foundation

extension GateCondition {
    /// Reads a condition written in the language described at `GateCondition`.
    public static func parse(_ text: String) throws(SyntaxError) -> GateCondition {
        var parser = GateConditionParser(tokens: try GateConditionParser.tokens(of: text), end: text.count + 1)
        let condition = try parser.disjunction()
        if let extra = parser.peek {
            throw SyntaxError(position: extra.position, message: "expected `and`, `or` or the end, found \(extra.kind.shown)")
        }
        return condition
    }
}

struct GateConditionParser {
    enum Kind: Equatable {
        case word(String), number(Decimal), text(String), symbol(String)

        var shown: String {
            switch self {
            case .word(let word): "`\(word)`"
            case .number(let number): "the number \(number)"
            case .text(let text): "the text \"\(text)\""
            case .symbol(let symbol): "`\(symbol)`"
            }
        }
    }

    struct Token {
        var kind: Kind
        var position: Int
    }

    let tokens: [Token]
    /// The position just past the text, for errors at its end.
    let end: Int
    var index = 0

    init(tokens: [Token], end: Int) {
        self.tokens = tokens
        self.end = end
    }

    var peek: Token? { index < tokens.count ? tokens[index] : nil }

    mutating func next() -> Token? {
        defer { index += 1 }
        return peek
    }

    func isWord(_ token: Token?, _ word: String) -> Bool {
        if case .word(let found)? = token?.kind { return found.lowercased() == word }
        return false
    }

    func failure(_ expected: String) -> SyntaxError {
        guard let token = peek else { return SyntaxError(position: end, message: "expected \(expected), found the end") }
        return SyntaxError(position: token.position, message: "expected \(expected), found \(token.kind.shown)")
    }

    mutating func disjunction() throws(SyntaxError) -> GateCondition {
        var parts = [try conjunction()]
        while isWord(peek, "or") {
            index += 1
            parts.append(try conjunction())
        }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    mutating func conjunction() throws(SyntaxError) -> GateCondition {
        var parts = [try negation()]
        while isWord(peek, "and") {
            index += 1
            parts.append(try negation())
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    mutating func negation() throws(SyntaxError) -> GateCondition {
        if isWord(peek, "not") {
            index += 1
            return .not(try negation())
        }
        return try primary()
    }

    mutating func primary() throws(SyntaxError) -> GateCondition {
        guard let token = peek else { throw failure("a condition") }
        switch token.kind {
        case .symbol("("):
            index += 1
            let inner = try disjunction()
            try expect(")")
            return inner
        case .word(let word):
            switch word.lowercased() {
            case "has":
                index += 1
                try expect("(")
                let field = try fieldName()
                try expect(")")
                return .has(field: field)
            case "document_sent":
                index += 1
                try expect("(")
                guard case .text(let template)? = peek?.kind, !template.isEmpty else {
                    throw failure("the template's name in double quotes")
                }
                index += 1
                try expect(")")
                return .documentSent(template: template)
            case "stage_tasks_done":
                index += 1
                try expect("(")
                try expect(")")
                return .stageTasksDone
            case "working_time":
                index += 1
                try expect("(")
                try expect(")")
                return .workingTime
            default:
                let field = try fieldName()
                guard case .symbol(let symbol)? = peek?.kind, let comparison = GateComparison(rawValue: symbol) else {
                    throw failure("a comparison (= != < <= > >=) after \(field)")
                }
                index += 1
                return .compare(field: field, comparison, try value())
            }
        default:
            throw failure("a condition")
        }
    }

    static let reserved: Set<String> = ["and", "or", "not", "has", "document_sent", "stage_tasks_done", "working_time", "true",
                                        "false"]

    mutating func fieldName() throws(SyntaxError) -> String {
        guard case .word(let word)? = peek?.kind, !Self.reserved.contains(word.lowercased()),
              word.first?.isLetter == true, !word.hasSuffix(".")
        else { throw failure("a field's code") }
        if word.lowercased().hasPrefix("cf."), word.count == 3 { throw failure("a custom field's code after `cf.`") }
        index += 1
        return word.lowercased()
    }

    mutating func value() throws(SyntaxError) -> GateValue {
        switch peek?.kind {
        case .number(let number)?:
            index += 1
            return .number(number)
        case .text(let text)?:
            index += 1
            return .text(text)
        case .word(let word)? where ["true", "false"].contains(word.lowercased()):
            index += 1
            return .bool(word.lowercased() == "true")
        default:
            throw failure("a value (a number, a text in double quotes, true or false)")
        }
    }

    mutating func expect(_ symbol: String) throws(SyntaxError) {
        guard case .symbol(symbol)? = peek?.kind else { throw failure("`\(symbol)`") }
        index += 1
    }

    /// The text cut into words, numbers, quoted texts and symbols.
    static func tokens(of text: String) throws(SyntaxError) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var at = 0
        while at < characters.count {
            let character = characters[at]
            let position = at + 1
            if character.isWhitespace {
                at += 1
            } else if character.isLetter || character == "_" {
                var word = ""
                while at < characters.count,
                      characters[at].isLetter || characters[at].isNumber || characters[at] == "_" || characters[at] == "." {
                    word.append(characters[at])
                    at += 1
                }
                tokens.append(Token(kind: .word(word), position: position))
            } else if character.isNumber || (character == "-" && at + 1 < characters.count && characters[at + 1].isNumber) {
                var digits = String(character)
                at += 1
                while at < characters.count, characters[at].isNumber || characters[at] == "." {
                    digits.append(characters[at])
                    at += 1
                }
                guard digits.filter({ $0 == "." }).count <= 1, digits.last != ".",
                      let number = Decimal(string: digits, locale: Locale(identifier: "en_US_POSIX"))
                else { throw SyntaxError(position: position, message: "\(digits) is not a number") }
                tokens.append(Token(kind: .number(number), position: position))
            } else if character == "\"" {
                var value = ""
                at += 1
                while true {
                    guard at < characters.count else {
                        throw SyntaxError(position: position, message: "the text opened here is not closed with \"")
                    }
                    if characters[at] == "\"" { break }
                    if characters[at] == "\\", at + 1 < characters.count { at += 1 }
                    value.append(characters[at])
                    at += 1
                }
                at += 1
                tokens.append(Token(kind: .text(value), position: position))
            } else if "()".contains(character) {
                tokens.append(Token(kind: .symbol(String(character)), position: position))
                at += 1
            } else if "=!<>".contains(character) {
                var symbol = String(character)
                if at + 1 < characters.count, characters[at + 1] == "=" { symbol.append("=") }
                guard GateComparison(rawValue: symbol) != nil else {
                    throw SyntaxError(position: position, message: "`\(symbol)` is not a comparison (= != < <= > >=)")
                }
                tokens.append(Token(kind: .symbol(symbol), position: position))
                at += symbol.count
            } else {
                throw SyntaxError(position: position, message: "`\(character)` has no meaning here")
            }
        }
        return tokens
    }
}
