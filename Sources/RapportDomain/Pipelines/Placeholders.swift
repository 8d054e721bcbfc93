import Foundation

/// Texts with the record's fields in them — a stage's task "Call {{client_name}} at {{phone}}",
/// later messages and documents: `{{code}}` (spaces inside the braces allowed) stands for the
/// value of the field `code` (`cf.<code>` for a custom one, `client.name` for a related
/// record's). The caller formats the values (money, dates) for the reader; a field without a
/// value leaves nothing.
public struct Placeholders: Sendable, Equatable {
    indirect enum Piece: Sendable, Equatable {
        case text(String)
        case field(String)
        /// `{{#name}} … {{/name}}`: repeated for each item of the list `name` (line items).
        case section(String, [Piece])
    }

    let pieces: [Piece]
    let positions: [String: Int]

    /// Reads `template`; an opened `{{` that is not a field's code closed by `}}`, or a
    /// section not closed by its own `{{/name}}`, is refused with its position (characters
    /// from 1).
    public init(_ template: String) throws(SyntaxError) {
        // The pieces of each open section, innermost last; the first is the template's own.
        var stack: [(name: String, opened: Int, pieces: [Piece])] = [("", 0, [])]
        var text = ""
        var positions: [String: Int] = [:]
        let characters = Array(template)
        var at = 0
        func flush() {
            if !text.isEmpty { stack[stack.count - 1].pieces.append(.text(text)) }
            text = ""
        }
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
            let marker = code.first.flatMap { "#/".contains($0) ? $0 : nil }
            if marker != nil { code = String(code.dropFirst()).trimmingCharacters(in: .whitespaces) }
            guard let first = code.first, first.isLetter,
                  code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }), !code.hasSuffix(".")
            else { throw SyntaxError(position: opened, message: "`\(code)` is not a field's code") }
            flush()
            if marker != "/", positions[code] == nil { positions[code] = opened }
            switch marker {
            case "#":
                stack.append((code, opened, []))
            case "/":
                guard stack.count > 1, stack[stack.count - 1].name == code else {
                    throw SyntaxError(position: opened, message: "`{{/\(code)}}` closes no open section `\(code)`")
                }
                let section = stack.removeLast()
                stack[stack.count - 1].pieces.append(.section(section.name, section.pieces))
            default:
                stack[stack.count - 1].pieces.append(.field(code))
            }
            at += 2
        }
        flush()
        guard stack.count == 1 else {
            let open = stack[stack.count - 1]
            throw SyntaxError(position: open.opened, message: "the section `\(open.name)` opened here is not closed with {{/\(open.name)}}")
        }
        self.pieces = stack[0].pieces
        self.positions = positions
    }

    /// The fields the template names outside sections (so settings can refuse one that does
    /// not exist).
    public var fields: Set<String> {
        Set(pieces.compactMap { if case .field(let code) = $0 { code } else { nil } })
    }

    /// The sections the template repeats, with the fields named inside each.
    public var sections: [String: Set<String>] {
        var found: [String: Set<String>] = [:]
        func walk(_ pieces: [Piece]) {
            for piece in pieces {
                guard case .section(let name, let inner) = piece else { continue }
                found[name, default: []].formUnion(inner.compactMap { if case .field(let code) = $0 { code } else { nil } })
                walk(inner)
            }
        }
        walk(pieces)
        return found
    }

    /// Where a field or section is first named (characters from 1), to point at an unknown one.
    public func position(of code: String) -> Int? { positions[code] }

    /// The text with each placeholder replaced by its field's value (through `escape`, for
    /// HTML) and each section repeated for the items of its list (an item's fields first).
    public func render(_ values: [String: String], lists: [String: [[String: String]]] = [:],
                       escape: (String) -> String = { $0 }) -> String {
        Self.render(pieces, values, lists, escape)
    }

    static func render(_ pieces: [Piece], _ values: [String: String], _ lists: [String: [[String: String]]],
                       _ escape: (String) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): text
            case .field(let code): values[code].map(escape) ?? ""
            case .section(let name, let inner):
                (lists[name] ?? []).map { item in
                    render(inner, values.merging(item) { _, own in own }, lists, escape)
                }.joined()
            }
        }.joined()
    }
}
