import Foundation

/// Texts with the record's fields in them — a stage's task "Call {{client_name}} at {{phone}}",
/// later messages and documents: `{{code}}` (spaces inside the braces allowed) stands for the
/// value of the field `code` (`cf.<code>` for a custom one, `client.name` for a related
/// record's). The caller formats the values (money, dates) for the reader; a field without a
/// value leaves nothing.
public struct Placeholders: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case field(String)
    }

    let pieces: [Piece]

    /// Reads `template`; an opened `{{` that is not a field's code closed by `}}` is refused
    /// with its position (characters from 1).
    public init(_ template: String) throws(SyntaxError) {
        var pieces: [Piece] = []
        var text = ""
        let characters = Array(template)
        var at = 0
        while at < characters.count {
            guard characters[at] == "{", at + 1 < characters.count, characters[at + 1] == "{" else {
                text.append(characters[at])
                at += 1
                continue
            }
            let opened = at + 1
            at += 2
            var code = ""
            while at < characters.count, characters[at] != "}" {
                code.append(characters[at])
                at += 1
            }
            code = code.trimmingCharacters(in: .whitespaces).lowercased()
            guard at + 1 < characters.count, characters[at + 1] == "}" else {
                throw SyntaxError(position: opened, message: "the placeholder opened here is not closed with }}")
            }
            guard let first = code.first, first.isLetter,
                  code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }), !code.hasSuffix(".")
            else { throw SyntaxError(position: opened, message: "`\(code)` is not a field's code") }
            if !text.isEmpty { pieces.append(.text(text)) }
            text = ""
            pieces.append(.field(code))
            at += 2
        }
        if !text.isEmpty { pieces.append(.text(text)) }
        self.pieces = pieces
    }

    /// The fields the template names (so settings can refuse one that does not exist).
    public var fields: Set<String> {
        Set(pieces.compactMap { if case .field(let code) = $0 { code } else { nil } })
    }

    /// The text with each placeholder replaced by its field's value.
    public func render(_ values: [String: String]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .field(let code): values[code] ?? ""
            }
        }.joined()
    }
}
