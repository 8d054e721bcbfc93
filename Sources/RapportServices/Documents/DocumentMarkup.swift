import Foundation

/// The HTML of a document template read as the blocks a PDF page holds: headings, paragraphs
/// (bold runs, line breaks, alignment), tables (header rows, column widths, borders, spans),
/// lists, rules and pictures (`<img src="company:logo">`). What a document needs of HTML and
/// no more: unknown tags keep their text, `<style>` and `<script>` are dropped.
enum DocumentMarkup {
    enum Align: Sendable, Equatable {
        case left, center, right
    }

    struct Run: Sendable, Equatable {
        var text: String
        var bold: Bool
        /// A forced line break (`<br>`) rather than text.
        var isBreak: Bool = false
    }

    struct Picture: Sendable, Equatable {
        var source: String
        var width: Double?
        var height: Double?
    }

    struct Cell: Sendable, Equatable {
        var runs: [Run] = []
        /// Pictures drawn below the cell's text (a signature, a stamp).
        var pictures: [Picture] = []
        var align: Align = .left
        var span = 1
        var header = false
        var width: Double?
    }

    struct Row: Sendable, Equatable {
        var cells: [Cell] = []
        var isHeader: Bool { !cells.isEmpty && cells.allSatisfy(\.header) }
    }

    enum Block: Sendable, Equatable {
        case heading(level: Int, runs: [Run], align: Align)
        case paragraph(runs: [Run], align: Align, pictures: [Picture], small: Bool)
        case table(rows: [Row], border: Bool)
        case rule
    }

    static func blocks(_ html: String) -> [Block] {
        var parser = Parser()
        parser.parse(html)
        parser.flushParagraph()
        return parser.blocks
    }

    struct Parser {
        var blocks: [Block] = []
        var runs: [Run] = []
        var pictures: [Picture] = []
        var align: Align = .left
        var heading: Int?
        var small = false
        var boldDepth = 0
        var listKinds: [(ordered: Bool, count: Int)] = []
        var rows: [Row]?
        var row: Row?
        var cell: Cell?
        var border = false
        var tableDepth = 0
        var skipping: String?

        mutating func parse(_ html: String) {
            var rest = Substring(html)
            while !rest.isEmpty {
                if rest.hasPrefix("<!--") {
                    rest = rest.range(of: "-->").map { rest[$0.upperBound...] } ?? ""
                    continue
                }
                if rest.first == "<", let end = rest.firstIndex(of: ">") {
                    tag(String(rest[rest.index(after: rest.startIndex)..<end]))
                    rest = rest[rest.index(after: end)...]
                    continue
                }
                let next = rest.dropFirst().firstIndex(of: "<") ?? rest.endIndex
                if skipping == nil { text(Self.decodeEntities(String(rest[..<next]))) }
                rest = rest[next...]
            }
        }

        mutating func text(_ raw: String) {
            let collapsed = Self.collapsedWhitespace(raw)
            guard !collapsed.isEmpty else { return }
            let run = Run(text: collapsed, bold: boldDepth > 0 || cell?.header == true || heading != nil)
            if cell != nil { cell!.runs.append(run) } else if rows != nil { return } else { runs.append(run) }
        }

        mutating func tag(_ inside: String) {
            let closing = inside.hasPrefix("/")
            let body = closing ? String(inside.dropFirst()) : inside
            let name = String(body.prefix { !$0.isWhitespace && $0 != "/" }).lowercased()
            let attributes = Self.attributes(String(body.dropFirst(name.count)))
            if let skip = skipping {
                if closing && name == skip { skipping = nil }
                return
            }
            switch (name, closing) {
            case ("style", false), ("script", false), ("head", false), ("title", false): skipping = name
            case ("b", false), ("strong", false): boldDepth += 1
            case ("b", true), ("strong", true): boldDepth = max(0, boldDepth - 1)
            case ("br", _):
                if cell != nil { cell!.runs.append(Run(text: "", bold: false, isBreak: true)) } else { runs.append(Run(text: "", bold: false, isBreak: true)) }
            case ("h1", false), ("h2", false), ("h3", false), ("h4", false), ("h5", false), ("h6", false):
                flushParagraph()
                heading = Int(name.dropFirst()) ?? 1
                align = Self.align(attributes) ?? .left
            case ("h1", true), ("h2", true), ("h3", true), ("h4", true), ("h5", true), ("h6", true),
                 ("p", true), ("div", true), ("li", true), ("small", true):
                if cell == nil { flushParagraph() }
                if name == "small" { small = false }
            case ("p", false), ("div", false), ("small", false):
                if cell == nil {
                    flushParagraph()
                    align = Self.align(attributes) ?? .left
                    small = name == "small" || (attributes["style"] ?? "").contains("font-size: small") || attributes["class"] == "small"
                }
            case ("ul", false), ("ol", false): flushParagraph(); listKinds.append((name == "ol", 0))
            case ("ul", true), ("ol", true): flushParagraph(); _ = listKinds.popLast()
            case ("li", false):
                flushParagraph()
                if !listKinds.isEmpty {
                    listKinds[listKinds.count - 1].count += 1
                    let marker = listKinds.last!.ordered ? "\(listKinds.last!.count). " : "• "
                    runs.append(Run(text: String(repeating: "   ", count: listKinds.count - 1) + marker, bold: false))
                }
            case ("hr", _): flushParagraph(); blocks.append(.rule)
            case ("img", _):
                let size = { (key: String) in attributes[key].flatMap { Double($0.replacingOccurrences(of: "px", with: "")) } }
                let picture = Picture(source: attributes["src"] ?? "", width: size("width"), height: size("height"))
                if cell != nil { cell!.pictures.append(picture) } else { pictures.append(picture) }
            case ("table", false):
                flushParagraph()
                tableDepth += 1
                if tableDepth == 1 {
                    rows = []
                    border = (attributes["border"].flatMap { Int($0) } ?? 0) > 0 || (attributes["style"] ?? "").contains("border")
                }
            case ("table", true):
                tableDepth -= 1
                if tableDepth == 0 {
                    closeRow()
                    if let rows, !rows.isEmpty { blocks.append(.table(rows: rows, border: border)) }
                    rows = nil
                }
            case ("tr", false): closeRow(); row = Row()
            case ("tr", true): closeRow()
            case ("td", false), ("th", false):
                closeCell()
                if row == nil { row = Row() }
                var new = Cell()
                new.header = name == "th"
                new.align = Self.align(attributes) ?? .left
                new.span = max(1, min(20, attributes["colspan"].flatMap { Int($0) } ?? 1))
                new.width = attributes["width"].flatMap { Double($0.replacingOccurrences(of: "%", with: "")) }
                    ?? Self.style(attributes, "width").flatMap { Double($0.replacingOccurrences(of: "%", with: "")) }
                cell = new
            case ("td", true), ("th", true): closeCell()
            default: break
            }
        }

        mutating func closeCell() {
            guard let done = cell else { return }
            if row == nil { row = Row() }
            row!.cells.append(done)
            cell = nil
        }

        mutating func closeRow() {
            closeCell()
            if let done = row, !done.cells.isEmpty { rows?.append(done) }
            row = nil
        }

        mutating func flushParagraph() {
            let trimmed = Self.trim(runs)
            if let level = heading, !trimmed.isEmpty {
                blocks.append(.heading(level: level, runs: trimmed, align: align))
            } else if !trimmed.isEmpty || !pictures.isEmpty {
                blocks.append(.paragraph(runs: trimmed, align: align, pictures: pictures, small: small))
            }
            runs = []
            pictures = []
            heading = nil
            align = .left
        }

        /// Without the spaces at the start and end (HTML's whitespace collapsing).
        static func trim(_ runs: [Run]) -> [Run] {
            var out = runs
            while let first = out.first, !first.isBreak, first.text.trimmingCharacters(in: .whitespaces).isEmpty { out.removeFirst() }
            while let last = out.last, !last.isBreak, last.text.trimmingCharacters(in: .whitespaces).isEmpty { out.removeLast() }
            if !out.isEmpty, !out[0].isBreak { out[0].text = String(out[0].text.drop { $0 == " " }) }
            if let index = out.indices.last, !out[index].isBreak {
                out[index].text = String(out[index].text.reversed().drop { $0 == " " }.reversed())
            }
            return out
        }

        static func align(_ attributes: [String: String]) -> Align? {
            switch (attributes["align"] ?? style(attributes, "text-align") ?? "").lowercased() {
            case "right": .right
            case "center": .center
            case "left": .left
            default: nil
            }
        }

        static func style(_ attributes: [String: String], _ property: String) -> String? {
            for declaration in (attributes["style"] ?? "").split(separator: ";") {
                let parts = declaration.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0].lowercased() == property { return parts[1] }
            }
            return nil
        }

        /// Runs of spaces, tabs and line breaks as one space (HTML's whitespace). Scanned by hand:
        /// a document has thousands of text pieces and a regular expression costs a parse each time.
        static func collapsedWhitespace(_ text: String) -> String {
            var out = ""
            out.reserveCapacity(text.utf8.count)
            var inSpace = false
            for character in text {
                if character.isWhitespace && character != "\u{00A0}" {
                    if !inSpace { out.append(" ") }
                    inSpace = true
                } else {
                    out.append(character)
                    inSpace = false
                }
            }
            return out
        }

        /// `name="value" name='value' name=value name` → lower-case names and decoded values.
        static func attributes(_ text: String) -> [String: String] {
            var out: [String: String] = [:]
            let characters = Array(text)
            var index = 0
            func skipSpaces() { while index < characters.count, characters[index].isWhitespace || characters[index] == "/" { index += 1 } }
            while true {
                skipSpaces()
                guard index < characters.count else { break }
                var name = ""
                while index < characters.count, !characters[index].isWhitespace, characters[index] != "=", characters[index] != "/" {
                    name.append(characters[index])
                    index += 1
                }
                while index < characters.count, characters[index].isWhitespace { index += 1 }
                var value = ""
                if index < characters.count, characters[index] == "=" {
                    index += 1
                    while index < characters.count, characters[index].isWhitespace { index += 1 }
                    if index < characters.count, characters[index] == "\"" || characters[index] == "'" {
                        let quote = characters[index]
                        index += 1
                        while index < characters.count, characters[index] != quote { value.append(characters[index]); index += 1 }
                        index += 1
                    } else {
                        while index < characters.count, !characters[index].isWhitespace { value.append(characters[index]); index += 1 }
                    }
                }
                if !name.isEmpty { out[name.lowercased()] = decodeEntities(value) }
            }
            return out
        }

        static let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
                                              "laquo": "«", "raquo": "»", "mdash": "—", "ndash": "–", "hellip": "…", "numero": "№",
                                              "copy": "©", "times": "×", "rub": "₽"]

        static func decodeEntities(_ text: String) -> String {
            guard text.contains("&") else { return text }
            var out = ""
            var rest = Substring(text)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                let after = rest[rest.index(after: amp)...]
                if let semicolon = after.prefix(10).firstIndex(of: ";") {
                    let name = after[..<semicolon]
                    var decoded: String?
                    if name.hasPrefix("#x") || name.hasPrefix("#X") {
                        decoded = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                    } else if name.hasPrefix("#") {
                        decoded = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                    } else {
                        decoded = named[name.lowercased()]
                    }
                    if let decoded {
                        out += decoded
                        rest = after[after.index(after: semicolon)...]
                        continue
                    }
                }
                out += "&"
                rest = after
            }
            return out + rest
        }
    }
}
